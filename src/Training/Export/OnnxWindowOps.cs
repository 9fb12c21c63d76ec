using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;
using static Trainer.Training.Export.OnnxGraphWriter;

namespace Trainer.Training.Export;

/// <summary>
/// The ONNX forms of the general pooling and convolution ops (extension ops, so <see cref="OnnxOpTable"/> asks here by
/// definition): AveragePool with pads, ceil_mode and count_include_pad; an adaptive average as GlobalAveragePool (1×1) or as
/// an AveragePool when the output divides the input evenly, refused otherwise (ONNX has no adaptive pooling); MaxPool with
/// pads and ceil_mode; Conv with group and dilations.
/// </summary>
internal static class OnnxWindowOps
{
    /// <summary>Writes <paramref name="node"/> when it is one of these ops; false for any other extension op.</summary>
    public static bool TryWrite(OnnxGraphWriter w, Node node)
    {
        var definition = node.Op.Definition;
        if (ReferenceEquals(definition, AvgPool2dOp.Instance)) AvgPool(w, node);
        else if (ReferenceEquals(definition, PaddedMaxPool2dOp.Instance)) Pool(w, node, "MaxPool", (PoolWindowAttributes)node.Op.Attributes!);
        else if (ReferenceEquals(definition, GroupedConv2dOp.Instance)) Conv(w, node);
        else return false;
        return true;
    }

    private static void AvgPool(OnnxGraphWriter w, Node n)
    {
        var a = (PoolWindowAttributes)n.Op.Attributes!;
        if (!a.Adaptive)
        {
            Pool(w, n, "AveragePool", a);
            return;
        }
        var x = n.Inputs[0].Type;
        if (a.AdaptiveH == 1 && a.AdaptiveW == 1)
        {
            w.Node("GlobalAveragePool", [w.Name(n.Inputs[0])], [w.OutputOf(n, "global_avgpool")]);
            return;
        }
        if (x[2] % a.AdaptiveH != 0 || x[3] % a.AdaptiveW != 0)
            throw Unsupported(n, $"an adaptive average pooling of {x[2]}x{x[3]} to {a.AdaptiveH}x{a.AdaptiveW} has no ONNX form " +
                "(ONNX has no adaptive pooling; it is an AveragePool only when the output size divides the input's)");
        int kh = x[2] / a.AdaptiveH, kw = x[3] / a.AdaptiveW;
        Pool(w, n, "AveragePool", new PoolWindowAttributes(kh, kw, kh, kw, 0, 0));
    }

    private static void Pool(OnnxGraphWriter w, Node n, string onnxOp, PoolWindowAttributes a)
    {
        List<Onnx.AttributeProto> attributes =
        [
            Ints("kernel_shape", a.KernelH, a.KernelW),
            Ints("strides", a.StrideH, a.StrideW),
            Ints("pads", a.PadH, a.PadW, a.PadH, a.PadW),
            Int("ceil_mode", a.CeilMode ? 1 : 0),
        ];
        if (onnxOp == "AveragePool") attributes.Add(Int("count_include_pad", a.CountIncludePad ? 1 : 0));
        w.Node(onnxOp, [w.Name(n.Inputs[0])], [w.OutputOf(n, onnxOp.ToLowerInvariant())], [.. attributes]);
    }

    private static void Conv(OnnxGraphWriter w, Node n)
    {
        var a = (GroupedConv2dAttributes)n.Op.Attributes!;
        var weight = n.Inputs[1].Type;
        w.Node("Conv", [w.Name(n.Inputs[0]), w.Name(n.Inputs[1])], [w.OutputOf(n, "conv")],
            Ints("kernel_shape", weight[2], weight[3]),
            Ints("strides", a.StrideH, a.StrideW),
            Ints("pads", a.PadH, a.PadW, a.PadH, a.PadW),
            Ints("dilations", a.DilationH, a.DilationW),
            Int("group", a.Groups));
    }
}
