using Onnx;
using Trainer.Graph.Ir;
using Trainer.Kernels.Ops;
using static Trainer.Training.Export.OnnxGraphWriter;

namespace Trainer.Training.Export;

/// <summary>
/// How each IR op of an inference graph is written in ONNX: one entry per <see cref="OpKind"/>, each
/// a few lines that append ONNX nodes through the <see cref="OnnxGraphWriter"/>. Fused ops are
/// written as their parts (a GEMM with a bias+ReLU epilogue is Gemm then Relu). An op without an
/// entry has no ONNX form here (gradients, optimizer updates, losses) and is a one-line error naming
/// it. The extension ops of the general pooling and convolution are written by <see cref="OnnxWindowOps"/>. To export
/// a new op, add its entry here (a primitive's in OnnxPrimitiveOps).
/// </summary>
internal static class OnnxOpTable
{
    private static readonly Dictionary<OpKind, Action<OnnxGraphWriter, Node>> Writers = new()
    {
        [OpKind.MatMul] = MatMul,
        [OpKind.BiasAdd] = BiasAdd,
        [OpKind.Add] = (w, n) => w.Node("Add", [w.Name(n.Inputs[0]), w.Name(n.Inputs[1])], [w.OutputOf(n)]),
        [OpKind.Relu] = (w, n) => w.Node("Relu", [w.Name(n.Inputs[0])], [w.OutputOf(n)]),
        [OpKind.Reshape] = Reshape,
        [OpKind.Conv2d] = Conv2d,
        [OpKind.MaxPool2d] = MaxPool2d,
        [OpKind.ImageNormalize] = ImageNormalize,
        // An ordering edge with no computation: its value passes through.
        [OpKind.Depend] = (w, n) => w.Node("Identity", [w.Name(n.Inputs[0])], [w.OutputOf(n)]),
    };

    /// <summary>The IR ops the exporter writes, for messages.</summary>
    public static string Supported => string.Join(", ", Writers.Keys.Order());

    /// <summary>Appends <paramref name="node"/>'s ONNX form, or throws <see cref="OnnxExportException"/> naming it when it has none.</summary>
    public static void Write(OnnxGraphWriter writer, Node node)
    {
        if (node.Op.Kind == OpKind.Extension && OnnxWindowOps.TryWrite(writer, node)) return;
        if (node.Op.Kind == OpKind.Extension && OnnxPrimitiveOps.TryWrite(writer, node)) return;
        if (!Writers.TryGetValue(node.Op.Kind, out var write))
            throw Unsupported(node, $"{node.Op.Kind} has no ONNX equivalent (the exporter writes {Supported})");
        write(writer, node);
    }

    /// <summary>op(A)·op(B) [+ bias] [then ReLU]: Gemm with transA/transB and C, then Relu.</summary>
    private static void MatMul(OnnxGraphWriter w, Node n)
    {
        var epilogue = new GemmEpilogue(n.Op.Epilogue);
        if (epilogue.HasMask || epilogue.HasSgd)
            throw Unsupported(n, $"its {epilogue} epilogue belongs to training and has no ONNX equivalent");
        if (n.Inputs[0].Type.Rank != 2 || n.Inputs[1].Type.Rank != 2)
            throw Unsupported(n, "Gemm takes 2-D operands");
        List<string> inputs = [w.Name(n.Inputs[0]), w.Name(n.Inputs[1])];
        if (epilogue.HasBias) inputs.Add(w.Name(n.Inputs[2]));
        string product = epilogue.HasRelu ? w.Fresh($"gemm_{n.Id}") : w.OutputOf(n, "gemm");
        w.Node("Gemm", [.. inputs], [product], Int("transA", n.Op.TransposeA ? 1 : 0), Int("transB", n.Op.TransposeB ? 1 : 0));
        if (epilogue.HasRelu) w.Node("Relu", [product], [w.OutputOf(n, "relu")]);
    }

    /// <summary>x + bias along an axis: Add, with the bias reshaped to [C, 1, …] when the axis is not the last (NCHW's channels).</summary>
    private static void BiasAdd(OnnxGraphWriter w, Node n)
    {
        int rank = n.Inputs[0].Type.Rank;
        int axis = n.Op.Attributes is AxisAttributes a ? a.Axis : rank - 1;
        string bias = w.Name(n.Inputs[1]);
        if (axis != rank - 1)
        {
            long[] shape = [n.Inputs[1].Type[0], .. Enumerable.Repeat(1L, rank - 1 - axis)];
            string reshaped = w.Fresh($"{bias}_broadcast");
            w.Node("Reshape", [bias, w.Int64Constant($"{bias}_broadcast_shape", shape)], [reshaped]);
            bias = reshaped;
        }
        w.Node("Add", [w.Name(n.Inputs[0]), bias], [w.OutputOf(n)]);
    }

    /// <summary>
    /// A reshape that keeps the batch axis: Flatten(axis 1) for [N, rest] (what nn.Flatten traces to),
    /// otherwise Reshape to [0, …] (0 copies the input's batch), so any batch size passes.
    /// </summary>
    private static void Reshape(OnnxGraphWriter w, Node n)
    {
        var output = n.Type;
        var input = n.Inputs[0].Type;
        if (!w.IsBatched(n.Inputs[0]))
        {
            // A value computed from parameters alone (a BatchNorm's per-channel scale, [C] to [1, C, 1, 1]): its exact
            // shape, whatever its first size (a layer as wide as the trace batch included).
            w.Node("Reshape", [w.Name(n.Inputs[0]), w.Int64Constant($"shape_{n.Id}", [.. output.Shape.Select(d => (long)d)])], [w.OutputOf(n)]);
            return;
        }
        if (output.Rank == 2)
        {
            w.Node("Flatten", [w.Name(n.Inputs[0])], [w.OutputOf(n, "flatten")], Int("axis", 1));
            return;
        }
        long[] shape = [0, .. output.Shape.Skip(1).Select(d => (long)d)];
        w.Node("Reshape", [w.Name(n.Inputs[0]), w.Int64Constant($"shape_{n.Id}", shape)], [w.OutputOf(n)]);
    }

    /// <summary>NCHW convolution, OIHW weight, symmetric zero padding [+ channel bias] [then ReLU]: Conv, then Relu.</summary>
    private static void Conv2d(OnnxGraphWriter w, Node n)
    {
        var a = (Conv2dAttributes)n.Op.Attributes!;
        var epilogue = new GemmEpilogue(a.Epilogue);
        if (epilogue.HasMask || epilogue.HasSgd)
            throw Unsupported(n, $"its {epilogue} epilogue belongs to training and has no ONNX equivalent");
        var weight = n.Inputs[1].Type;
        List<string> inputs = [w.Name(n.Inputs[0]), w.Name(n.Inputs[1])];
        if (n.Inputs.Count > 2) inputs.Add(w.Name(n.Inputs[2]));
        string conv = epilogue.HasRelu ? w.Fresh($"conv_{n.Id}") : w.OutputOf(n, "conv");
        w.Node("Conv", [.. inputs], [conv],
            Ints("kernel_shape", weight[2], weight[3]),
            Ints("strides", a.StrideH, a.StrideW),
            Ints("pads", a.PadH, a.PadW, a.PadH, a.PadW),
            Ints("dilations", 1, 1),
            Int("group", 1));
        if (epilogue.HasRelu) w.Node("Relu", [conv], [w.OutputOf(n, "relu")]);
    }

    /// <summary>Max over each window, no padding, windows that do not fit dropped: MaxPool (ceil_mode 0).</summary>
    private static void MaxPool2d(OnnxGraphWriter w, Node n)
    {
        var a = (Pool2dAttributes)n.Op.Attributes!;
        w.Node("MaxPool", [w.Name(n.Inputs[0])], [w.OutputOf(n, "maxpool")],
            Ints("kernel_shape", a.KernelH, a.KernelW),
            Ints("strides", a.StrideH, a.StrideW),
            Ints("pads", 0, 0, 0, 0));
    }

    /// <summary>
    /// The data pipeline on uint8 pixels, the same float32 operations in the same order:
    /// Cast to float, Mul by scale, Add shift (left out when 0, which changes no value), Sub mean, Div by std.
    /// </summary>
    private static void ImageNormalize(OnnxGraphWriter w, Node n)
    {
        var a = (NormalizeAttributes)n.Op.Attributes!;
        string pixels = w.Fresh("pixels_float");
        w.Node("Cast", [w.Name(n.Inputs[0])], [pixels], Int("to", (long)Onnx.TensorProto.Types.DataType.Float));
        string rescaled = w.Fresh("rescaled");
        w.Node("Mul", [pixels, w.FloatConstant("rescale_scale", a.Scale)], [rescaled]);
        if (a.Shift != 0)
        {
            string shifted = w.Fresh("rescaled_shifted");
            w.Node("Add", [rescaled, w.FloatConstant("rescale_shift", a.Shift)], [shifted]);
            rescaled = shifted;
        }
        string centred = w.Fresh("centred");
        w.Node("Sub", [rescaled, w.FloatConstant("normalize_mean", a.Mean)], [centred]);
        w.Node("Div", [centred, w.FloatConstant("normalize_std", a.Std)], [w.OutputOf(n, "normalized")]);
    }
}
