using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>SgdUpdate(param, grad, hyperparameters) nodes reading one hyperparameter block into one SgdUpdateMulti.</summary>
internal sealed class SgdUpdateBatching() : UpdateBatching(OpKind.SgdUpdate, OpKind.SgdUpdateMulti, arity: 3, written: 1, shared: 1)
{
    public override string Name => "sgd-update-batching";
}
