using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>AdamUpdate(param, m, v, grad, beta1Power, beta2Power) nodes sharing their beta powers into one AdamUpdateMulti.</summary>
internal sealed class AdamUpdateBatching() : UpdateBatching(OpKind.AdamUpdate, OpKind.AdamUpdateMulti, arity: 6, written: 3, shared: 2)
{
    public override string Name => "adam-update-batching";
}
