using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Removes nodes that neither produce a step output nor have a side effect, nor precede one that
/// does (over data and control edges). Inputs and parameters stay: they are the step's signature.
/// </summary>
internal sealed class DeadNodeElimination : IGraphPass
{
    public string Name => "dead-node-elimination";

    public bool Run(Ir.Graph graph)
    {
        var live = new HashSet<Node>();
        var work = new Stack<Node>(graph.Outputs.Select(o => o.Value.Node)
            .Concat(graph.Nodes.Where(n => BufferAliasing.WrittenStorages(n).Any())));
        while (work.TryPop(out var n))
        {
            if (!live.Add(n)) continue;
            foreach (var p in Reachability.Predecessors(n)) work.Push(p);
        }
        return graph.RemoveAll(n => !live.Contains(n) && n.Op.Kind is not (OpKind.Input or OpKind.Parameter)) > 0;
    }
}
