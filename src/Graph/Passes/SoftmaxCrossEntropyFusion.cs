using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// SoftmaxCrossEntropy(logits, labels) and SoftmaxCrossEntropyGrad(logits, labels, Fill(c)) become
/// one kernel that computes the softmax once and writes both the loss and the logits gradient.
/// The upstream gradient must be a constant fill (the autodiff seed), which the kernel takes as an attribute.
/// </summary>
internal sealed class SoftmaxCrossEntropyFusion : IGraphPass
{
    public string Name => "softmax-cross-entropy-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        foreach (var grad in graph.Nodes.Where(n => n.Op.Kind == OpKind.SoftmaxCrossEntropyGrad).ToList())
        {
            var seed = grad.Inputs[2].Node;
            if (seed.Op.Kind != OpKind.Fill) continue;
            var loss = graph.Nodes.FirstOrDefault(n => n.Op.Kind == OpKind.SoftmaxCrossEntropy &&
                                                       n.Inputs[0] == grad.Inputs[0] && n.Inputs[1] == grad.Inputs[1]);
            if (loss is null) continue;

            var fused = graph.CreateDetached(new Op { Kind = OpKind.SoftmaxCrossEntropyFused, Scalar = seed.Op.Scalar },
                [loss.Inputs[0], loss.Inputs[1]]);
            graph.InsertBefore(graph.IndexOf(loss) > graph.IndexOf(grad) ? loss : grad, fused);
            fused.FusedFrom.AddRange([loss.Id, grad.Id]);
            // The fused kernel takes the seed as an attribute; no edge may keep the Fill node alive.
            fused.ControlInputs.AddRange(loss.ControlInputs.Concat(grad.ControlInputs).Where(c => c != seed).Distinct());
            graph.ReplaceUses(loss, new Value(fused, 0));
            graph.ReplaceUses(grad, new Value(fused, 1));
            graph.ReplaceControlUses(loss, fused);
            graph.ReplaceControlUses(grad, fused);
            fused.ControlInputs.RemoveAll(c => c == fused || c == loss || c == grad);
            graph.RemoveAll(n => n == loss || n == grad);
            changed = true;
        }
        if (changed) new DeadNodeElimination().Run(graph);
        return changed;
    }
}
