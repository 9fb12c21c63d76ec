using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Conv2d → BiasAdd over the channel axis (→ ReLU) becomes one Conv2d whose epilogue adds the bias
/// (and applies ReLU) before the store: one launch instead of two or three, and the convolution's
/// output is written once. The kernels use the unfused ops' arithmetic, so nothing changes by a
/// bit. Only fuses when the intermediate results have no other reader.
/// </summary>
internal sealed class ConvEpilogueFusion : IGraphPass
{
    public string Name => "conv-epilogue-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var users = graph.Users();
        foreach (var bias in graph.Nodes.Where(n => n.Op.Kind == OpKind.BiasAdd && n.Op.Attributes is AxisAttributes { Axis: 1 }).ToList())
        {
            var conv = bias.Inputs[0].Node;
            if (conv.Op.Kind != OpKind.Conv2d || conv.Op.Attributes is not Conv2dAttributes { Epilogue: 0 } attributes ||
                !FusionRules.OnlyReader(graph, users, conv, bias))
                continue;

            var (replaced, flags) = FusionRules.BiasReluChain(graph, users, conv, bias);
            var fused = conv.Op with { Attributes = attributes with { Epilogue = flags } };
            FusionRules.Replace(graph, replaced, fused, [conv.Inputs[0], conv.Inputs[1], bias.Inputs[1]], replaced[^1]);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
