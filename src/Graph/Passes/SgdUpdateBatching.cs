using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>SgdUpdate(param, grad) nodes into one SgdUpdateMulti.</summary>
internal sealed class SgdUpdateBatching() : UpdateBatching(OpKind.SgdUpdate, OpKind.SgdUpdateMulti, arity: 2, written: 1)
{
    public override string Name => "sgd-update-batching";
}
