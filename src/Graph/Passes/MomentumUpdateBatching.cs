using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>MomentumUpdate(param, accumulation, grad, hyperparameters) nodes reading one hyperparameter block into one MomentumUpdateMulti.</summary>
internal sealed class MomentumUpdateBatching() : UpdateBatching(OpKind.MomentumUpdate, OpKind.MomentumUpdateMulti, arity: 4, written: 2, shared: 1)
{
    public override string Name => "momentum-update-batching";
}
