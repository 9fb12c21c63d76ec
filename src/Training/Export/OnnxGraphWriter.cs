using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using IrGraph = Trainer.Graph.Ir.Graph;

namespace Trainer.Training.Export;

/// <summary>
/// Builds an ONNX <see cref="GraphProto"/> from an inference graph, node by node: gives every value
/// a name, adds parameters as initializers when first read, and keeps the batch axis symbolic. The
/// per-op translations (<see cref="OnnxOpTable"/>) call back into it. The graph was traced with a
/// batch of <see cref="TraceBatch"/> rows; the writer checks that every value computed from the
/// input keeps that batch as its first axis, so the ONNX model takes any batch size.
/// </summary>
internal sealed class OnnxGraphWriter
{
    /// <summary>The batch the exporter traces with: any size works; an odd one catches a reshape that folds it.</summary>
    public const int TraceBatch = 5;

    private readonly Dictionary<Value, string> names = [];
    private readonly HashSet<string> taken = [];
    private readonly HashSet<Node> batched = [];
    private readonly Func<string, TensorType, float[]> weights;
    private readonly OnnxExportOptions options;
    private long initializerBytes;

    /// <summary>
    /// A writer for <paramref name="graph"/>, whose input is named <see cref="OnnxExportOptions.InputName"/>
    /// and whose single output becomes <see cref="OnnxExportOptions.OutputName"/>; parameters' values come
    /// from <paramref name="weights"/> (by name and type).
    /// </summary>
    public OnnxGraphWriter(IrGraph graph, Func<string, TensorType, float[]> weights, OnnxExportOptions options)
    {
        this.weights = weights;
        this.options = options;
        var inputs = graph.Inputs.ToList();
        if (inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new OnnxExportException($"the exporter writes a graph of one input and one output; this one has {inputs.Count} and {graph.Outputs.Count}");
        var input = inputs[0];
        taken.Add(options.InputName);
        taken.Add(options.OutputName);
        names[input] = options.InputName;
        batched.Add(input);
        Graph.Input.Add(ValueInfo(options.InputName, input.Type));
        Output = graph.Outputs[0].Value;
    }

    /// <summary>The ONNX graph written so far.</summary>
    public GraphProto Graph { get; } = new();

    /// <summary>The IR value that becomes the model's output.</summary>
    public Value Output { get; }

    /// <summary>The ONNX opset being written.</summary>
    public int Opset => options.Opset;

    /// <summary>Translates <paramref name="node"/> with the op table, after checking that it keeps the batch axis in front.</summary>
    public void Write(Node node)
    {
        if (node.Op.Kind is OpKind.Input or OpKind.Parameter) return;
        CheckBatchAxis(node);
        OnnxOpTable.Write(this, node);
    }

    /// <summary>Ends the graph: declares its output (with an Identity when no node produced it under its name).</summary>
    public void Finish()
    {
        string produced = Name(Output);
        if (produced != options.OutputName) Node("Identity", [produced], [options.OutputName]);
        if (!batched.Contains(Output.Node))
            throw new OnnxExportException($"the output %{Output.Node.Id} {Output.Node.Op} does not depend on the input");
        Graph.Output.Add(ValueInfo(options.OutputName, Output.Type));
    }

    /// <summary>True when <paramref name="value"/> is computed from the input (so its first axis is the batch), false when from parameters alone.</summary>
    public bool IsBatched(Value value) => batched.Contains(value.Node);

    /// <summary>The ONNX name of <paramref name="value"/>; a parameter's first read adds its initializer.</summary>
    public string Name(Value value)
    {
        if (names.TryGetValue(value, out var name)) return name;
        if (value.Node.Op.Kind != OpKind.Parameter)
            throw new InvalidOperationException($"{value} is read before a node wrote it");
        name = value.Node.Op.Name ?? throw new OnnxExportException($"parameter %{value.Node.Id} has no name");
        if (!taken.Add(name)) throw new OnnxExportException($"parameter '{name}' clashes with another name in the graph");
        names[value] = name;
        var data = weights(name, value.Type);
        if (data.Length != value.Type.ElementCount)
            throw new OnnxExportException($"parameter '{name}' has {data.Length} values for its {value.Type}");
        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0) throw new OnnxExportException($"parameter '{name}' holds {data[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)} at element {bad}; a model with non-finite weights is not exported");
        AddInitializer(name, value.Type.Shape.Select(d => (long)d), MemoryMarshal.AsBytes(data.AsSpan()), Onnx.TensorProto.Types.DataType.Float);
        return name;
    }

    /// <summary>
    /// The name <paramref name="node"/>'s (first) output is written under: the model's output name for
    /// the graph's output, else <paramref name="hint"/> (default the op's kind) and the node id.
    /// </summary>
    public string OutputOf(Node node, string? hint = null)
    {
        var value = new Value(node, 0);
        if (names.TryGetValue(value, out var name)) return name;
        name = value == Output ? options.OutputName : Fresh((hint ?? node.Op.Kind.ToString().ToLowerInvariant()) + "_" + node.Id);
        names[value] = name;
        return name;
    }

    /// <summary>A new name for an intermediate that has no IR value (e.g. a fused GEMM's result before its ReLU).</summary>
    public string Fresh(string hint)
    {
        string name = hint;
        for (int i = 1; !taken.Add(name); i++) name = $"{hint}_{i}";
        return name;
    }

    /// <summary>Appends an ONNX node.</summary>
    public void Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(outputs[0] + "_" + opType.ToLowerInvariant()) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>An int64 tensor constant (shapes for Reshape), as an initializer.</summary>
    public string Int64Constant(string hint, params long[] values)
    {
        string name = Fresh(hint);
        AddInitializer(name, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()), Onnx.TensorProto.Types.DataType.Int64);
        return name;
    }

    /// <summary>A float32 scalar constant, as an initializer.</summary>
    public string FloatConstant(string hint, float value)
    {
        string name = Fresh(hint);
        float[] one = [value];
        AddInitializer(name, [], MemoryMarshal.AsBytes(one.AsSpan()), Onnx.TensorProto.Types.DataType.Float);
        return name;
    }

    /// <summary>An error for <paramref name="node"/>, one line naming its op and id.</summary>
    public static OnnxExportException Unsupported(Node node, string why) => new($"cannot export %{node.Id} {node.Op}: {why}");

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private void AddInitializer(string name, IEnumerable<long> dims, ReadOnlySpan<byte> littleEndian, Onnx.TensorProto.Types.DataType type)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not");
        initializerBytes += littleEndian.Length;
        // Protobuf messages are limited to 2 GiB; ONNX's external-data files are what larger models use, and they are not written here.
        if (initializerBytes > int.MaxValue - (1 << 24))
            throw new OnnxExportException($"the model's weights pass {initializerBytes} bytes; ONNX files over 2 GiB need external data, which the exporter does not write");
        var tensor = new Onnx.TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
    }

    /// <summary>
    /// A value computed from the input must keep the batch first, so that the ONNX model's batch axis
    /// is free: every such input of <paramref name="node"/> and its outputs have <see cref="TraceBatch"/>
    /// rows. Ops on parameters alone are not batched and need not.
    /// </summary>
    private void CheckBatchAxis(Node node)
    {
        var data = node.Inputs.Where(v => batched.Contains(v.Node)).ToList();
        if (data.Count == 0) return;
        foreach (var v in data.Concat(Enumerable.Range(0, node.Outputs.Length).Select(i => new Value(node, i))))
            if (v.Type.Rank == 0 || v.Type[0] != TraceBatch)
                throw Unsupported(node, $"{v} is {v.Type}, without the batch axis first; the exported model needs it to take any batch size");
        if (node.Op.Kind == OpKind.MatMul && node.Op.TransposeA)
            throw Unsupported(node, "it sums over the batch axis; the exported model needs the batch axis free");
        batched.Add(node);
    }

    private ValueInfoProto ValueInfo(string name, TensorType type)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = options.BatchDimension });
        foreach (int d in type.Shape.Skip(1)) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        var elem = type.DType switch
        {
            DType.Float32 => Onnx.TensorProto.Types.DataType.Float,
            DType.UInt8 => Onnx.TensorProto.Types.DataType.Uint8,
            DType.Int32 => Onnx.TensorProto.Types.DataType.Int32,
            _ => throw new OnnxExportException($"'{name}' is {type}, a type the exporter does not write"),
        };
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elem, Shape = shape } },
        };
    }
}
