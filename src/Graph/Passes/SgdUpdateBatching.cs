using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// SgdUpdate nodes with the same learning rate that write parameters become one SgdUpdateMulti:
/// every parameter is updated in a single launch. Only updates that could run in any order are
/// batched together: none may come before another (a Depend between them) and no parameter may
/// appear twice, since one launch updates all its elements at once. The batched node waits for
/// everything any of its updates waited for.
/// </summary>
public sealed class SgdUpdateBatching : IGraphPass
{
    public string Name => "sgd-update-batching";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var groups = graph.Nodes
            .Where(n => n.Op.Kind == OpKind.SgdUpdate && n.Inputs[0].Node.Op.Kind == OpKind.Parameter)
            .GroupBy(n => n.Op.Scalar)
            .ToList();
        foreach (var group in groups)
        {
            var updates = Independent(graph, group.ToList());
            if (updates.Count < 2) continue;
            var inputs = updates.Select(u => u.Inputs[0]).Concat(updates.Select(u => u.Inputs[1])).ToArray();
            var batched = graph.CreateDetached(new Op { Kind = OpKind.SgdUpdateMulti, Scalar = group.Key }, inputs);
            graph.InsertBefore(updates[^1], batched);
            foreach (var u in updates)
            {
                batched.FusedFrom.Add(u.Id);
                batched.ControlInputs.AddRange(u.ControlInputs.Where(c => c != batched && !batched.ControlInputs.Contains(c) && !updates.Contains(c)));
                graph.ReplaceControlUses(u, batched);
            }
            batched.ControlInputs.Remove(batched);
            var gone = updates.ToHashSet();
            graph.RemoveAll(gone.Contains);
            changed = true;
        }
        return changed;
    }

    /// <summary>The updates, in graph order, that are unordered with respect to each other and write distinct parameters.</summary>
    private static List<Node> Independent(Ir.Graph graph, List<Node> candidates)
    {
        var reach = new Reachability(graph);
        var chosen = new List<Node>();
        foreach (var u in candidates)
        {
            bool free = chosen.All(c =>
                BufferAliasing.StorageOf(c.Inputs[0]) != BufferAliasing.StorageOf(u.Inputs[0]) &&
                !reach.IsOrderedBefore(c, u) && !reach.IsOrderedBefore(u, c));
            if (free) chosen.Add(u);
        }
        return chosen;
    }
}
