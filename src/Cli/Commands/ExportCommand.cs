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
        "  inference graph (the eval step's forward pass, no loss or optimizer), input 'input' [N,1,28,28]\n" +
        "  (float32 normalised as the data pipeline does, or uint8 pixels with --with-preprocessing) with\n" +
        "  any batch size N, output 'logits' [N,10]; the model name and class count are in its metadata.\n" +
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
        var sizedFor = CheckpointInfo.FromMetadata(checkpoint, weights.File.Metadata).Input;
        if (sizedFor != ModelInput.Mnist)
            throw new Training.Checkpoints.CheckpointException(checkpoint, $"export writes models of MNIST's shape (1x28x28 images, 10 classes); this one takes {sizedFor}");
        WeightOptions.Report(weights, error);
        var steps = new QuickstartSteps(options.Seed, options.LearningRate, options.Optimizer, options.Model, options.Dropout);
        string name = ModelKinds.Name(options.Model);
        var exportOptions = new OnnxExportOptions
        {
            Opset = opset,
            WithPreprocessing = r.Has("--with-preprocessing"),
            ModelName = name,
            ProducerVersion = VersionCommand.Number,
        };
        OnnxExporter.Export(steps.Model, outPath, exportOptions, p => weights.Values(p.Name));
        string input = exportOptions.WithPreprocessing ? "uint8 pixels, Rescale and Normalize in the graph" : "normalised float32";
        output.WriteLine($"wrote {name} ({steps.Classes} classes, opset {opset}, input {exportOptions.InputName} [N,1,28,28] {input}, output {exportOptions.OutputName} [N,{steps.Classes}]) to {outPath}");
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
