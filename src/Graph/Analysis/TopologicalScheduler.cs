using Trainer.Graph.Ir;

namespace Trainer.Graph.Analysis;

/// <summary>
/// A deterministic execution order: Kahn's algorithm over data and control edges, always taking
/// the ready node with the smallest id, so the same graph always gives the same schedule.
/// </summary>
internal static class TopologicalScheduler
{
    public static IReadOnlyList<Node> Schedule(Ir.Graph graph)
    {
        var pending = new Dictionary<Node, int>();
        var successors = graph.Nodes.ToDictionary(n => n, _ => new List<Node>());
        foreach (var n in graph.Nodes)
        {
            var preds = Reachability.Predecessors(n).ToList();
            pending[n] = preds.Count;
            foreach (var p in preds) successors[p].Add(n);
        }

        var ready = new PriorityQueue<Node, int>();
        foreach (var (n, count) in pending)
            if (count == 0) ready.Enqueue(n, n.Id);

        var order = new List<Node>(graph.Nodes.Count);
        while (ready.TryDequeue(out var n, out _))
        {
            order.Add(n);
            foreach (var s in successors[n])
                if (--pending[s] == 0) ready.Enqueue(s, s.Id);
        }
        if (order.Count != graph.Nodes.Count)
        {
            GraphVerifier.Verify(graph); // names the cycle
            throw new GraphCompileException("graph has a cycle");
        }
        return order;
    }
}
