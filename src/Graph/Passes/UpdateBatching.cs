using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Optimizer updates of one kind whose written inputs are Parameter nodes become one multi-tensor
/// node: every parameter updated in a single launch. The multi node's inputs are each update's first
/// input, then each one's second, and so on; the last <c>shared</c> inputs (the hyperparameter block,
/// and Adam's beta powers before it) must be the same for the whole group and appear once, at the end. Only updates that could run in any order are batched together: none may come before another
/// (a Depend between them) and no written tensor may appear twice, since one launch updates all its
/// elements at once. The batched node waits for everything any of its updates waited for.
/// </summary>
internal abstract class UpdateBatching(OpKind single, OpKind multi, int arity, int written, int shared = 0) : IGraphPass
{
    public abstract string Name { get; }

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var groups = graph.Nodes
            .Where(n => n.Op.Kind == single && n.Inputs.Count == arity && Enumerable.Range(0, written).All(i => n.Inputs[i].Node.Op.Kind == OpKind.Parameter))
            .GroupBy(n => (n.Op, Shared: string.Join(",", n.Inputs.Skip(arity - shared).Select(v => $"{v.Node.Id}:{v.Index}"))))
            .ToList();
        foreach (var group in groups)
        {
            var updates = Independent(graph, group.ToList());
            if (updates.Count < 2) continue;
            var inputs = Enumerable.Range(0, arity - shared).SelectMany(k => updates.Select(u => u.Inputs[k]))
                .Concat(updates[0].Inputs.Skip(arity - shared)).ToArray();
            var batched = graph.CreateDetached(group.Key.Op with { Kind = multi }, inputs);
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

    /// <summary>The updates, in graph order, that are unordered with respect to each other and write distinct tensors.</summary>
    private List<Node> Independent(Ir.Graph graph, List<Node> candidates)
    {
        var reach = new Reachability(graph);
        var chosen = new List<Node>();
        foreach (var u in candidates)
        {
            bool free = chosen.All(c =>
                !Enumerable.Range(0, written).Any(i => Enumerable.Range(0, written).Any(j =>
                    BufferAliasing.StorageOf(c.Inputs[i]) == BufferAliasing.StorageOf(u.Inputs[j]))) &&
                !reach.IsOrderedBefore(c, u) && !reach.IsOrderedBefore(u, c));
            if (free) chosen.Add(u);
        }
        return chosen;
    }
}
