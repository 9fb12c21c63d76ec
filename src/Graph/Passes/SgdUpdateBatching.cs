using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// All SgdUpdate nodes with the same learning rate that write parameters become one
/// SgdUpdateMulti: every parameter is updated in a single launch. The batched node waits for
/// everything any of the updates waited for.
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
            .Where(g => g.Count() > 1)
            .ToList();
        foreach (var group in groups)
        {
            var updates = group.ToList();
            var inputs = updates.Select(u => u.Inputs[0]).Concat(updates.Select(u => u.Inputs[1])).ToArray();
            var batched = graph.CreateDetached(new Op { Kind = OpKind.SgdUpdateMulti, Scalar = group.Key }, inputs);
            graph.InsertBefore(updates[^1], batched);
            foreach (var u in updates)
            {
                batched.FusedFrom.Add(u.Id);
                batched.ControlInputs.AddRange(u.ControlInputs.Where(c => !batched.ControlInputs.Contains(c) && !updates.Contains(c)));
                graph.ReplaceControlUses(u, batched);
            }
            var gone = updates.ToHashSet();
            graph.RemoveAll(gone.Contains);
            changed = true;
        }
        return changed;
    }
}
