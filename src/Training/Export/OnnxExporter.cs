using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using Onnx;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Execution;
using Trainer.Training.IO;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Training.Export;

/// <summary>
/// Writes a model as an ONNX file for ONNX Runtime, ML.NET and other ONNX readers. The model's
/// forward pass is traced in eval mode (no loss, no optimizer) and compiled by the same pass
/// pipeline as the eval step; the exporter then walks that graph and writes each op's ONNX form
/// (<see cref="OnnxOpTable"/>; fused ops as their parts). The input is
/// <see cref="OnnxExportOptions.InputName"/> [N, C, H, W] (or [N, F] for a table row) with a symbolic batch axis N, the output
/// <see cref="OnnxExportOptions.OutputName"/> [N, classes], parameters are float32 initializers under
/// their dotted names, and the metadata says the model's name, class count, input, output,
/// preprocessing and, when given, the class names. Needs no device.
/// </summary>
public static class OnnxExporter
{
    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="path"/>, written atomically and durably.
    /// The parameters' values come from <paramref name="weights"/> when given (e.g. read from a
    /// checkpoint), else from the device for a model placed on a session, else their initial values.
    /// Throws <see cref="OnnxExportException"/> for a model ONNX cannot express (one line naming the op)
    /// and <see cref="IOException"/> naming <paramref name="path"/> when it cannot be written (no
    /// space left, a directory, a missing directory).
    /// </summary>
    public static void Export(Cell model, string path, OnnxExportOptions? options = null, Func<Parameter, float[]>? weights = null)
    {
        byte[] bytes = ToBytes(model, options, weights);
        DurableFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model's bytes, as <see cref="Export"/> writes them.</summary>
    public static byte[] ToBytes(Cell model, OnnxExportOptions? options = null, Func<Parameter, float[]>? weights = null) =>
        ToModel(model, options ?? new OnnxExportOptions(), weights).ToByteArray();

    internal static ModelProto ToModel(Cell model, OnnxExportOptions options, Func<Parameter, float[]>? weights)
    {
        Check(options);
        var parameters = model.TrainableParams().Concat(model.Buffers()).ToDictionary(p => p.Name); // buffers: a BatchNorm's moving statistics
        var graph = TraceInference(model, options);
        var program = GraphProgram.Build(graph, new CompileOptions(Fuse: options.Fuse));
        Func<string, TensorType, float[]> values = (name, _) =>
        {
            var p = parameters[name];
            return weights?.Invoke(p) ?? (p.Buffer is not null ? p.ToFloatArray() : p.InitialValue);
        };
        int? classes = model is IClassifier c ? c.Classes : null;
        return ToModel(program.Graph, program.Schedule, values, options, options.ModelName ?? model.GetType().Name, classes);
    }

    /// <summary>Writes an inference graph (one input, one output, in <paramref name="order"/>) as an ONNX model.</summary>
    internal static ModelProto ToModel(Graph.Ir.Graph graph, IEnumerable<Node> order, Func<string, TensorType, float[]> weights,
        OnnxExportOptions options, string modelName, int? classes)
    {
        Check(options);
        var writer = new OnnxGraphWriter(graph, weights, options);
        foreach (var node in order) writer.Write(node);
        writer.Finish();
        var output = writer.Output.Type;
        if (classes is { } declared && (output.Rank != 2 || output[1] != declared))
            throw new OnnxExportException($"the model says it has {declared} classes but its output is {output}");
        classes ??= output.Rank == 2 ? output[1] : null;

        writer.Graph.Name = modelName;
        var model = new ModelProto
        {
            IrVersion = OnnxVersions.IrVersion(options.Opset),
            ProducerName = options.ProducerName,
            ProducerVersion = options.ProducerVersion ?? LibraryVersion,
            ModelVersion = 1,
            DocString = $"{modelName} exported by {options.ProducerName}: {options.InputName} {Shape(graph.Inputs.Single().Type, options)} -> {options.OutputName} {Shape(output, options)}",
            Graph = writer.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(model, "model", modelName);
        if (classes is { } count) AddMetadata(model, "classes", count.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, "input", options.InputName);
        AddMetadata(model, "output", options.OutputName);
        AddMetadata(model, "layout", options.ImageShape.Count == 3 ? "NCHW" : options.ImageShape.Count == 1 ? "NF" : "N" + new string('D', options.ImageShape.Count));
        AddMetadata(model, "preprocessing", options.WithPreprocessing
            ? FormattableString.Invariant($"rescale(scale={options.Scale:R},shift={options.Shift:R}) normalize(mean={options.Mean:R},std={options.Std:R})")
            : "none");
        if (options.ClassNames is { } names)
        {
            if (classes is not { } known || names.Count != known)
                throw new OnnxExportException($"{names.Count} class names for a model of {(classes?.ToString(CultureInfo.InvariantCulture) ?? "no known")} classes; give one name per class");
            AddMetadata(model, "class_names", System.Text.Json.JsonSerializer.Serialize(names, ClassNamesJson));
        }
        return model;
    }

    private static readonly System.Text.Json.JsonSerializerOptions ClassNamesJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The forward pass in eval mode as a graph: input → [Rescale, Normalize] → model → output.</summary>
    private static Graph.Ir.Graph TraceInference(Cell model, OnnxExportOptions options)
    {
        bool training = model.Training;
        model.SetTrain(false);
        try
        {
            var tracer = new Tracer("inference");
            var type = new TensorType([OnnxGraphWriter.TraceBatch, .. options.ImageShape], options.WithPreprocessing ? DType.UInt8 : DType.Float32);
            var x = tracer.AddInput(options.InputName, type);
            if (options.WithPreprocessing) x = Ops.ImageNormalize(x, options.Scale, options.Shift, options.Mean, options.Std);
            Tensor y;
            using (tracer.Activate()) y = model.Call(x); // ops on parameters alone (a BatchNorm's scale) join the trace
            tracer.Graph.Outputs.Add((options.OutputName, tracer.Lift(y).Node!));
            return tracer.Graph;
        }
        finally
        {
            model.SetTrain(training);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> for options no model could be written with.</summary>
    private static void Check(OnnxExportOptions options)
    {
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset,
                $"the ONNX opset must be {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}");
        if (options.ImageShape.Count == 0 || options.ImageShape.Any(d => d <= 0))
            throw new ArgumentException($"the image shape must be positive dimensions, got [{string.Join(",", options.ImageShape)}]", nameof(options));
        if (string.IsNullOrEmpty(options.InputName) || string.IsNullOrEmpty(options.OutputName) || options.InputName == options.OutputName)
            throw new ArgumentException("the input and output names must be two different non-empty names", nameof(options));
        if (string.IsNullOrEmpty(options.BatchDimension))
            throw new ArgumentException("the batch dimension needs a name", nameof(options));
        if (options.WithPreprocessing && !(float.IsFinite(options.Scale) && float.IsFinite(options.Shift) && float.IsFinite(options.Mean) && float.IsFinite(options.Std) && options.Std != 0))
            throw new ArgumentException("the preprocessing constants must be finite and the std not 0", nameof(options));
    }

    private static string Shape(TensorType type, OnnxExportOptions options) =>
        $"[{string.Join(",", type.Shape.Skip(1).Prepend(0).Select((d, i) => i == 0 ? options.BatchDimension : d.ToString(CultureInfo.InvariantCulture)))}] {DTypeInfo.Name(type.DType)}";

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    /// <summary>This library's informational version (the producer version when the caller gives none).</summary>
    private static string LibraryVersion =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
