using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Reshape (and Flatten) never launch a kernel: the planner treats them as aliases. This pass
/// removes the ones that do nothing (same shape in and out) and folds a Reshape of a Reshape
/// into one, so the printed graph and the alias chains stay short.
/// </summary>
internal sealed class ReshapeCollapsing : IGraphPass
{
    public string Name => "reshape-collapsing";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        while (RunOnce(graph)) changed = true;
        return changed;
    }

    /// <summary>One sweep; true only when it removed or rewired a Reshape, so the loop in <see cref="Run"/> ends.</summary>
    private static bool RunOnce(Ir.Graph graph)
    {
        bool changed = false;
        foreach (var node in graph.Nodes.Where(n => n.Op.Kind == OpKind.Reshape).ToList())
        {
            var input = node.Inputs[0];
            if (input.Type.Equals(node.Type) && node.ControlInputs.Count == 0)
            {
                // Readers read the input itself; whatever waited for the reshape waits for its input.
                graph.ReplaceUses(node, input);
                graph.ReplaceControlUses(node, input.Node);
                graph.RemoveAll(n => n == node);
                changed = true;
            }
            else if (input.Node.Op.Kind == OpKind.Reshape && input.Index == 0)
            {
                node.Inputs[0] = input.Node.Inputs[0];
                node.ControlInputs.AddRange(input.Node.ControlInputs.Except(node.ControlInputs));
                changed = true;
            }
        }
        if (changed) new DeadNodeElimination().Run(graph);
        return changed;
    }
}
