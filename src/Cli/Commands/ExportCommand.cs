using Trainer.Cli.Quickstart;
using Trainer.Training.Export;
using Trainer.Training.IO;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer export`: a checkpoint's model as an ONNX file, through <see cref="OnnxExporter"/>. Needs no device.</summary>
public static class ExportCommand
{
    public static readonly OptionTable Options = new(
    [
        new("--checkpoint", "FILE", "a checkpoint from 'trainer train --save' (.safetensors or .ckpt), or weights from PyTorch, Hugging Face or MindSpore (required)"),
        new("--out", "FILE", "the ONNX file to write, a name ending in .onnx (required)"),
        new("--model", "NAME", "mlp, lenet or resnet8 (default the checkpoint's; a weights-only file is taken as mlp)"),
        CheckpointJob.DropoutOption,
        new("--opset", "N", $"the ONNX opset, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset} (default {OnnxExportOptions.DefaultOpset})"),
        new("--with-preprocessing", null, "take raw uint8 pixels: Rescale and Normalize go into the graph (default: normalised float32 input)"),
        .. WeightOptions.All,
    ]);

    public static readonly string Usage =
        "usage: trainer export --checkpoint FILE --out MODEL.onnx [--model mlp|lenet|resnet8] [--dropout P] [--opset 17] [--with-preprocessing]\n" +
        "                      [--rename FROM=TO]... [--rename-file MAP] [--strict]\n" +
        "  Writes the checkpoint's model as ONNX, for ONNX Runtime, ML.NET and other ONNX readers: the\n" +
        "  inference graph (the eval step's forward pass, no loss or optimizer), input 'input' [N,C,H,W] as\n" +
        "  the checkpoint records it ([N,1,28,28] for MNIST; float32 normalised as the data pipeline did for\n" +
        "  that data, or uint8 pixels with --with-preprocessing), or [N,F] float32 features for a table (CSV)\n" +
        "  model, with any batch size N, output 'logits' [N,classes]; the model name, class count and, when\n" +
        "  the checkpoint records them, the class names (JSON array 'class_names') are in its metadata.\n" +
        Options.Text.TrimEnd('\n');

    /// <summary>Runs `trainer export`: what was written on <paramref name="output"/>, notes about the weights file on <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var r = Options.Read("export", args);
        string checkpoint = r.String("--checkpoint") ?? throw r.Error("--checkpoint FILE is required");
        string outPath = r.String("--out") ?? throw r.Error("--out FILE is required");
        int opset = r.PositiveInt("--opset", OnnxExportOptions.DefaultOpset);
        if (opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw r.Error($"--opset must be {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}, got {opset}");
        CheckOut(r, outPath, checkpoint);

        var (weights, options, _) = CheckpointJob.Read(r, withData: false);
        var info = CheckpointInfo.FromMetadata(checkpoint, weights.File.Metadata);
        var input = info.Input;
        bool withPreprocessing = r.Has("--with-preprocessing");
        if (withPreprocessing && info.Normalization is null)
            throw r.Error($"--with-preprocessing puts an image model's Rescale and Normalize into the graph, and '{checkpoint}' holds a model of {input}, which takes its features as they are");
        WeightOptions.Report(weights, error);
        var steps = new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, input, options.Dropout);
        string name = ModelKinds.Name(options.Model);
        var normalization = info.Normalization ?? PixelNormalization.Mnist; // a table model ignores it (no preprocessing)
        var exportOptions = new OnnxExportOptions
        {
            Opset = opset,
            WithPreprocessing = withPreprocessing,
            Mean = normalization.Mean,
            Std = normalization.Std,
            ImageShape = input.IsTabular ? [input.Features] : [input.Channels, input.Height, input.Width],
            ClassNames = info.ClassNames,
            ModelName = name,
            ProducerVersion = VersionCommand.Number,
        };
        OnnxExporter.Export(steps.Model, outPath, exportOptions, p => weights.Values(p.Name));
        string shape = string.Join(",", exportOptions.ImageShape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string inputText = input.IsTabular ? "float32 features"
            : exportOptions.WithPreprocessing ? "uint8 pixels, Rescale and Normalize in the graph" : "normalised float32";
        string named = info.ClassNames is null ? "" : ", named";
        output.WriteLine($"wrote {name} ({steps.Classes} classes{named}, opset {opset}, input {exportOptions.InputName} [N,{shape}] {inputText}, output {exportOptions.OutputName} [N,{steps.Classes}]) to {outPath}");
        return 0;
    }

    /// <summary>
    /// Refuses, before any work, an --out that is not an ONNX name, is a directory or other non-regular
    /// file, cannot be written, or is the checkpoint itself.
    /// </summary>
    private static void CheckOut(ArgumentReader r, string outPath, string checkpoint)
    {
        if (Directory.Exists(outPath))
            throw r.Error($"--out '{outPath}' is a directory; give the file to write, e.g. {Path.Combine(outPath, "model.onnx")}");
        if (!outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw r.Error($"--out '{outPath}' must name an .onnx file");
        if (FileIdentity.Same(outPath, checkpoint))
            throw r.Error($"--out '{outPath}' is the checkpoint being exported; write the model to another file");
        OutputPath.Check("--out", outPath);
    }
}
