using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>AdamUpdate(param, m, v, grad, beta1Power, beta2Power, hyperparameters) nodes sharing their beta powers and hyperparameter block into one AdamUpdateMulti.</summary>
internal sealed class AdamUpdateBatching() : UpdateBatching(OpKind.AdamUpdate, OpKind.AdamUpdateMulti, arity: 7, written: 3, shared: 3)
{
    public override string Name => "adam-update-batching";
}
