using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Trainer.Cli.Quickstart;
using Trainer.Training.Data;
using Trainer.Training.Tests.Export;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer export` of models trained on users' data: the input shape comes from the checkpoint ([N,3,32,32] for LeNet
/// and ResNet-8 on RGB folders, [N,257] for a CSV table's MLP), --with-preprocessing applies the format's Rescale and
/// Normalize, class names go into the metadata, and ONNX Runtime's logits match the trainer's within 1e-5.
/// </summary>
public sealed class ExportAnyModelCommandTests(UserDataCheckpoints zoo) : IClassFixture<UserDataCheckpoints>
{
    private const float Tolerance = 1e-5f;

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}: logit {i} is {actual[i]} in ONNX Runtime, {expected[i]} in the trainer");
    }

    private string Export(string checkpoint, string name, params string[] more)
    {
        string onnx = Path.Combine(zoo.Scratch("export-" + name), name + ".onnx");
        var result = Cli.Run(["export", "--checkpoint", checkpoint, "--out", onnx, .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return onnx;
    }

    [Theory]
    [InlineData("lenet")]
    [InlineData("resnet8")]
    public void An_rgb_32x32_model_gives_the_trainers_logits_in_onnx_runtime(string model)
    {
        string checkpoint = model == "lenet" ? zoo.Lenet : zoo.Resnet8;
        const int n = 5;
        var random = new Random(7);
        var pixels = new byte[n * 32 * 32 * 3]; // HWC, as the reader decodes
        random.NextBytes(pixels);
        var normalised = new float[n * 3 * 32 * 32];
        var chw = new byte[pixels.Length];
        for (int i = 0; i < n; i++)
        {
            var image = new HostTensor([32, 32, 3], pixels[(i * 3072)..((i + 1) * 3072)]);
            foreach (var t in PixelNormalization.ImageFormats.Transforms()) image = t.Apply(image);
            image.AsFloat().CopyTo(normalised, i * 3072);
            new HWC2CHW().Apply(new HostTensor([32, 32, 3], pixels[(i * 3072)..((i + 1) * 3072)])).AsUInt8().CopyTo(chw, i * 3072);
        }
        var trainer = UserDataCheckpoints.TrainerLogits(checkpoint, new HostTensor([n, 3, 32, 32], normalised));
        Assert.Equal(n * 3, trainer.Length);

        var plainResult = Cli.Run("export", "--checkpoint", checkpoint, "--out", Path.Combine(zoo.Scratch("plain-" + model), "m.onnx"));
        Assert.Equal($"wrote {model} (3 classes, named, opset 17, input input [N,3,32,32] normalised float32, output logits [N,3]) to {Path.Combine(zoo.Scratch("plain-" + model), "m.onnx")}",
            plainResult.Stdout.TrimEnd('\n'));
        string plain = Path.Combine(zoo.Scratch("plain-" + model), "m.onnx");
        string raw = Export(checkpoint, model + "-raw", "--with-preprocessing");
        AssertClose(trainer, UserDataCheckpoints.OnnxLogits(plain, normalised, [n, 3, 32, 32]), model + " float32 input");
        AssertClose(trainer, UserDataCheckpoints.OnnxLogits(raw, chw, [n, 3, 32, 32]), model + " uint8 input");

        using var session = new InferenceSession(raw);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[\"k0\",\"k1\",\"k2\"]", meta["class_names"]);
        Assert.Equal("3", meta["classes"]);
        Assert.Equal("rescale(scale=0.003921569,shift=0) normalize(mean=0.5,std=0.5)", meta["preprocessing"]);
        Assert.Equal([-1, 3, 32, 32], session.InputMetadata["input"].Dimensions);
    }

    [Fact]
    public void A_csv_mlp_takes_rows_of_its_features_and_gives_the_trainers_logits()
    {
        const int n = 7;
        var random = new Random(9);
        var rows = Enumerable.Range(0, n * 257).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var trainer = UserDataCheckpoints.TrainerLogits(zoo.CsvMlp, new HostTensor([n, 257], rows));
        string dirPath = zoo.Scratch("csv-export");
        string onnx = Path.Combine(dirPath, "table.onnx");
        var result = Cli.Run("export", "--checkpoint", zoo.CsvMlp, "--out", onnx, "--opset", "13");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"wrote mlp (3 classes, opset 13, input input [N,257] float32 features, output logits [N,3]) to {onnx}", result.Stdout.TrimEnd('\n'));
        AssertClose(trainer, UserDataCheckpoints.OnnxLogits(onnx, rows, [n, 257]), "csv mlp");
        using var session = new InferenceSession(onnx);
        Assert.Equal("NF", session.ModelMetadata.CustomMetadataMap["layout"]);
        Assert.False(session.ModelMetadata.CustomMetadataMap.ContainsKey("class_names"));

        var refused = Cli.Run("export", "--checkpoint", zoo.CsvMlp, "--out", Path.Combine(dirPath, "raw.onnx"), "--with-preprocessing");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: --with-preprocessing puts an image model's Rescale and Normalize into the graph, and '{zoo.CsvMlp}' holds a model of rows of 257 features, 3 classes, which takes its features as they are (see 'trainer export --help')",
            refused.SingleErrorLine());
        Assert.False(File.Exists(Path.Combine(dirPath, "raw.onnx")));
    }

    [PythonOnnxFact]
    public void Onnx_checker_passes_on_the_exported_user_data_models()
    {
        var files = new[]
        {
            Export(zoo.Lenet, "lenet-check", "--with-preprocessing"), Export(zoo.Resnet8, "resnet8-check"),
            Export(zoo.CsvMlp, "csv-check"), Export(zoo.GrayMlp, "gray-check", "--with-preprocessing"),
        };
        const string check =
            "import sys, onnx\n" +
            "for path in sys.argv[1:]:\n" +
            "    model = onnx.load(path)\n" +
            "    onnx.checker.check_model(model, full_check=True)\n" +
            "    i = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)\n" +
            "    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]\n" +
            "    print(dims(i.graph.input[0]), dims(i.graph.output[0]))\n";
        var start = new ProcessStartInfo(PythonOnnxFactAttribute.Python, ["-c", check, .. files]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start)!;
        var stderr = python.StandardError.ReadToEndAsync();
        string stdout = python.StandardOutput.ReadToEnd();
        Assert.True(python.WaitForExit(120_000), "the ONNX checker did not finish in 120 s");
        Assert.True(python.ExitCode == 0, $"the ONNX checker failed:\n{stderr.Result}");
        Assert.Equal(["['N', 3, 32, 32] ['N', 3]", "['N', 3, 32, 32] ['N', 3]", "['N', 257] ['N', 3]", "['N', 1, 28, 28] ['N', 10]"], stdout.Trim().Split('\n'));
    }
}
