using System.Diagnostics;
using Trainer.Cli.Quickstart;
using Trainer.Training.Export;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Export;

/// <summary>ONNX's own checker (Debian's python3-onnx, opset 17 and below) on every exported zoo model: structure, types and shape inference.</summary>
public sealed class OnnxCheckerTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private const string Check =
        "import sys, onnx\n" +
        "for path in sys.argv[1:]:\n" +
        "    model = onnx.load(path)\n" +
        "    onnx.checker.check_model(model, full_check=True)\n" +
        "    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)\n" +
        "    dims = [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]\n" +
        "    print(path.rsplit('/', 1)[-1], model.opset_import[0].version, dims)\n";

    [PythonOnnxFact]
    public void Onnx_checker_passes_on_every_exported_zoo_model()
    {
        var files = new List<string>();
        foreach (var kind in new[] { ModelKind.Mlp, ModelKind.LeNet })
        {
            var model = TrainedZooModel.Of(kind).Job.Model;
            foreach (bool preprocessing in new[] { false, true })
                foreach (int opset in new[] { OnnxExportOptions.MinOpset, OnnxExportOptions.DefaultOpset })
                {
                    string path = System.IO.Path.Combine(dir.Path, $"{ModelKinds.Name(kind)}-{(preprocessing ? "raw" : "float")}-{opset}.onnx");
                    OnnxExporter.Export(model, path, new OnnxExportOptions { WithPreprocessing = preprocessing, Opset = opset });
                    files.Add(path);
                }
        }
        var start = new ProcessStartInfo(PythonOnnxFactAttribute.Python, ["-c", Check, .. files])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var stderr = python.StandardError.ReadToEndAsync();
        string stdout = python.StandardOutput.ReadToEnd();
        Assert.True(python.WaitForExit(120_000), "the ONNX checker did not finish in 120 s");
        Assert.True(python.ExitCode == 0, $"the ONNX checker failed:\n{stderr.Result}");
        var lines = stdout.Trim().Split('\n');
        Assert.Equal(files.Count, lines.Length);
        foreach (var (line, file) in lines.Zip(files))
            Assert.Equal($"{System.IO.Path.GetFileName(file)} {(file.EndsWith("-13.onnx", StringComparison.Ordinal) ? 13 : 17)} ['N', 10]", line);
    }
}
