using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Graph.Passes;

/// <summary>
/// Inference only: Conv2d(x, W) → Mul(·, s) with a per-channel s of shape [1, C, 1, 1] (an eval-mode BatchNorm's
/// gamma/√(var + eps)) becomes Conv2d(x, W·s[o]): the scale moves onto the weight, C·Cin·k·k products instead of a
/// pass over the activation, and the BatchNorm's shift (a BiasAdd over axis 1) and a following ReLU are then the
/// convolution's epilogue (<see cref="ConvEpilogueFusion"/>, which runs after this). Exact in real arithmetic; in
/// float32 each output rounds differently ((x·W)·s against x·(W·s)), within a few units in the last place of the
/// sum of |x·W·s| terms. Skipped in any graph that writes state (a training step), so training keeps its bits.
/// </summary>
internal sealed class ConvBatchNormFolding : IGraphPass
{
    public string Name => "conv-batchnorm-folding";

    public bool Run(Ir.Graph graph)
    {
        if (graph.Nodes.Any(n => BufferAliasing.WrittenStorages(n).Any())) return false;
        bool changed = false;
        var users = graph.Users();
        foreach (var mul in graph.Nodes.Where(n => n.Op.Kind == OpKind.Extension && n.Op.Definition is MulOp).ToList())
        {
            var conv = mul.Inputs[0].Node;
            var scale = mul.Inputs[1];
            if (conv.Op.Kind != OpKind.Conv2d || conv.Op.Attributes is not Conv2dAttributes { Epilogue: 0 } ||
                !FusionRules.OnlyReader(graph, users, conv, mul))
                continue;
            int channels = conv.Outputs[0][1];
            if (!scale.Type.Shape.SequenceEqual([1, channels, 1, 1])) continue;

            var column = graph.CreateDetached(Op.Reshape(channels, 1, 1, 1), [scale]);
            graph.InsertBefore(conv, column);
            var weight = graph.CreateDetached(Op.Extension(MulOp.Instance), [conv.Inputs[1], new Value(column, 0)]);
            graph.InsertBefore(conv, weight);
            FusionRules.Replace(graph, [conv, mul], conv.Op, [conv.Inputs[0], new Value(weight, 0)], mul);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
