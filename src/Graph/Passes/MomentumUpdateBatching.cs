using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>MomentumUpdate(param, accumulation, grad) nodes into one MomentumUpdateMulti.</summary>
internal sealed class MomentumUpdateBatching() : UpdateBatching(OpKind.MomentumUpdate, OpKind.MomentumUpdateMulti, arity: 3, written: 2)
{
    public override string Name => "momentum-update-batching";
}
