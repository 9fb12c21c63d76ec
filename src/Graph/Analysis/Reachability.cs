using Trainer.Graph.Ir;

namespace Trainer.Graph.Analysis;

/// <summary>Ancestor sets over data and control edges.</summary>
internal sealed class Reachability
{
    private readonly Dictionary<Node, HashSet<Node>> ancestors = [];

    public Reachability(Ir.Graph graph)
    {
        foreach (var node in graph.Nodes) Ancestors(node);
    }

    /// <summary>Nodes that must run before <paramref name="node"/> (assumes no cycle; the verifier checks first).</summary>
    public HashSet<Node> Ancestors(Node node)
    {
        if (ancestors.TryGetValue(node, out var set)) return set;
        set = [];
        ancestors[node] = set;
        foreach (var p in Predecessors(node))
        {
            set.Add(p);
            set.UnionWith(Ancestors(p));
        }
        return set;
    }

    public bool IsOrderedBefore(Node a, Node b) => Ancestors(b).Contains(a);

    public static IEnumerable<Node> Predecessors(Node node) =>
        node.Inputs.Select(v => v.Node).Concat(node.ControlInputs).Distinct();
}
