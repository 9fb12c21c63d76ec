using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// ReluGrad(MaxPool2dBackward(x, dy), x), the gradient through a ReLU whose output x a max pooling read,
/// becomes MaxPool2dBackward(x, dy) with the ReLU mask (<see cref="Pool2dAttributes.ReluMask"/>): the
/// pooling's backward zeroes its own output where x is not positive, one launch instead of two, the
/// same bits (the mask selects, it does not compute).
/// </summary>
internal sealed class PoolReluBackwardFusion : IGraphPass
{
    public string Name => "pool-relu-backward-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var users = graph.Users();
        foreach (var grad in graph.Nodes.Where(n => n.Op.Kind == OpKind.ReluGrad).ToList())
        {
            var pool = grad.Inputs[0].Node;
            if (pool.Op.Kind != OpKind.MaxPool2dBackward || pool.Op.Attributes is not Pool2dAttributes { ReluMask: false } attributes ||
                grad.Inputs[1] != pool.Inputs[0] || !FusionRules.OnlyReader(graph, users, pool, grad))
                continue;
            FusionRules.Replace(graph, [pool, grad], pool.Op with { Attributes = attributes with { ReluMask = true } }, pool.Inputs.ToArray(), grad);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
