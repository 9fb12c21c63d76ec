using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Merges nodes that compute the same op on the same inputs after the same control inputs, keeping
/// the first. Nodes with side effects and graph inputs are never merged.
/// </summary>
internal sealed class CommonSubexpressionElimination : IGraphPass
{
    public string Name => "common-subexpression-elimination";

    public bool Run(Ir.Graph graph)
    {
        var seen = new Dictionary<(Op, string), Node>();
        var duplicates = new List<Node>();
        foreach (var node in graph.Nodes)
        {
            if (node.Op.Kind is OpKind.Input or OpKind.Parameter || BufferAliasing.WrittenStorages(node).Any()) continue;
            var key = (node.Op, $"{string.Join(",", node.Inputs)}|{string.Join(",", node.ControlInputs.Select(c => c.Id).Order())}");
            if (seen.TryGetValue(key, out var first))
            {
                for (int o = 0; o < node.Outputs.Length; o++)
                    graph.ReplaceUses(new Value(node, o), new Value(first, o));
                graph.ReplaceControlUses(node, first);
                duplicates.Add(node);
            }
            else
            {
                seen[key] = node;
            }
        }
        var dead = duplicates.ToHashSet();
        return graph.RemoveAll(dead.Contains) > 0;
    }
}
