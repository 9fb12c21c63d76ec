using Trainer.Training.Loops;

namespace Trainer.Training.Export;

/// <summary>
/// How <see cref="OnnxExporter"/> writes a model: the opset, the graph's names, the image it takes
/// and whether the data pipeline's Rescale and Normalize go into the graph.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest ONNX opset written: every op the exporter maps has its current semantics from opset 13.</summary>
    public const int MinOpset = 13;

    /// <summary>The highest ONNX opset written (ONNX 1.16's, IR version 10); Debian's python3-onnx 1.12 checks up to 17.</summary>
    public const int MaxOpset = 21;

    /// <summary>The default ONNX opset, 17: what ONNX Runtime, ML.NET and Debian's onnx checker all read.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The ONNX opset (default.onnx domain) the model declares, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>
    /// With preprocessing, the input is raw uint8 pixels [N, C, H, W] and the graph starts with the
    /// data pipeline's Rescale and Normalize (Cast, Mul, Add, Sub, Div with <see cref="Scale"/>,
    /// <see cref="Shift"/>, <see cref="Mean"/>, <see cref="Std"/>); without, it takes float32 images
    /// already normalised, as <see cref="Datapipe.PrepareImage"/> makes them.
    /// </summary>
    public bool WithPreprocessing { get; init; }

    /// <summary>Rescale's factor (default the tutorial's 1/255).</summary>
    public float Scale { get; init; } = Datapipe.Scale;

    /// <summary>Rescale's offset (default 0; an Add appears in the graph only when it is not 0).</summary>
    public float Shift { get; init; } = Datapipe.Shift;

    /// <summary>Normalize's mean (default MNIST's 0.1307).</summary>
    public float Mean { get; init; } = Datapipe.Mean;

    /// <summary>Normalize's standard deviation (default MNIST's 0.3081).</summary>
    public float Std { get; init; } = Datapipe.Std;

    /// <summary>One example's shape, channels × height × width for an image (default MNIST's 1 × 28 × 28) or the feature count of a table row; the batch axis comes before it.</summary>
    public IReadOnlyList<int> ImageShape { get; init; } = [1, 28, 28];

    /// <summary>
    /// The classes' names in output order, written into the model's metadata as <c>class_names</c> (a JSON array of strings);
    /// null (the default) writes none. When given, there must be one per class of the model.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The graph input's name (default <c>input</c>).</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The graph output's name (default <c>logits</c>).</summary>
    public string OutputName { get; init; } = "logits";

    /// <summary>The symbolic name of the batch axis, the first of the input and the output (default <c>N</c>).</summary>
    public string BatchDimension { get; init; } = "N";

    /// <summary>The model's name in the metadata and the graph (default the cell's class name; <c>trainer export</c> writes <c>mlp</c> or <c>lenet</c>).</summary>
    public string? ModelName { get; init; }

    /// <summary>The producer's name in the model (default <c>trainer</c>).</summary>
    public string ProducerName { get; init; } = "trainer";

    /// <summary>The producer's version in the model (default the Training library's informational version).</summary>
    public string? ProducerVersion { get; init; }

    /// <summary>Export the graph the compiler fuses (the default, what eval runs) or the unfused one; both mean the same model.</summary>
    internal bool Fuse { get; init; } = true;
}
