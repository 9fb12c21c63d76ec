using Trainer.Training.Checkpoints;
using Trainer.Training.Tests.Checkpoints;
using Trainer.Training.Tests.Checkpoints.MindSpore;

namespace Trainer.Cli.Tests;

/// <summary>
/// `eval`, `predict` and `train --resume` on weights from elsewhere: a file written with PyTorch's safetensors
/// conventions (by the independent numpy writer) evaluates with --rename exactly as the weights it holds; a file that
/// does not fit is one line; MindSpore .ckpt files are written by --save-format ckpt, evaluated, resumed from, and
/// read when Python's protobuf wrote them.
/// </summary>
public sealed class ForeignWeightsCommandTests : IClassFixture<ForeignWeightsCommandTests.TrainedRun>, IDisposable
{
    /// <summary>One epoch of the quick-start MLP, trained once for all the tests here, saved both ways.</summary>
    public sealed class TrainedRun : IDisposable
    {
        public TempDirectory Dir { get; } = new();

        public TrainedRun()
        {
            Assert.Equal(0, Cli.Run("train", "--device", "cpu", "--seed", "3", "--epochs", "1", "--save", Dir.File("st"), "--progress", "none").ExitCode);
            SafeTensors = SafeTensorsFileRead(Dir.File("st/last.safetensors"));
        }

        public SafeTensorsFile SafeTensors { get; }

        private static SafeTensorsFile SafeTensorsFileRead(string path) => Training.Checkpoints.SafeTensors.Read(path);

        public void Dispose() => Dir.Dispose();
    }

    private readonly TrainedRun run;
    private readonly TempDirectory dir = new();

    public ForeignWeightsCommandTests(TrainedRun run) => this.run = run;

    public void Dispose() => dir.Dispose();

    private const string TorchRename = "linear_relu_stack.=dense_relu_sequential.";

    /// <summary>The trained weights under PyTorch's quick-start names (linear_relu_stack.N), without optimizer state.</summary>
    private NamedTensor[] TorchNamed() =>
    [
        .. run.SafeTensors.Entries.Where(e => e.Name.StartsWith("dense_relu_sequential.", StringComparison.Ordinal)).Select(e =>
        {
            int[] shape = [.. e.Shape.Select(d => (int)d)];
            return new NamedTensor("linear_relu_stack." + e.Name["dense_relu_sequential.".Length..], shape, run.SafeTensors.ReadFloat32(e.Name, shape));
        }),
    ];

    /// <summary>The 'Test:' block of an eval: every stdout line from 'Test:' on.</summary>
    private static string[] TestBlock(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        return lines[Array.IndexOf(lines, "Test: ")..];
    }

    private string[] EvalOurs() => TestBlock(Cli.Run("eval", "--device", "cpu", "--checkpoint", run.Dir.File("st/last.safetensors")));

    [PythonNumpyFact]
    public void A_pt_style_file_from_numpy_evaluates_exactly_as_the_weights_it_holds()
    {
        string json = SafeTensorsScript.Json(TorchNamed());
        var expected = EvalOurs();
        foreach (string dtype in new[] { "F32", "F64" }) // both hold the float32 values exactly
        {
            string path = dir.File($"pt-{dtype}.safetensors");
            SafeTensorsScript.RunChecked(json, "write", path, "--meta", "format=pt", "--dtype", dtype);
            var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--rename", TorchRename);
            Assert.Equal(expected, TestBlock(result));
            Assert.Equal(dtype == "F64" ? [$"note: {path}: F64 weights converted to float32"] : [], result.StderrLines);
        }
        // F16 and BF16 round the weights: the run works, says so once, and lands near the float32 accuracy.
        foreach (string dtype in new[] { "F16", "BF16" })
        {
            string path = dir.File($"pt-{dtype}.safetensors");
            SafeTensorsScript.RunChecked(json, "write", path, "--meta", "format=pt", "--dtype", dtype);
            var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--rename", TorchRename);
            Assert.True(Math.Abs(Accuracy(TestBlock(result)) - Accuracy(expected)) <= 1.0, result.ToString());
            Assert.Equal([$"note: {path}: {dtype} weights converted to float32"], result.StderrLines);
        }
    }

    private static double Accuracy(string[] block) =>
        double.Parse(block[1].Split("Accuracy: ")[1].Split('%')[0], System.Globalization.CultureInfo.InvariantCulture);

    private string WritePt(string name, IEnumerable<NamedTensor> tensors)
    {
        string path = dir.File(name);
        SafeTensors.Write(path, [.. tensors], new Dictionary<string, string> { ["format"] = "pt" });
        return path;
    }

    [Fact]
    public void Predict_and_eval_take_the_rename_from_a_map_file_and_report_unused_tensors()
    {
        var tensors = TorchNamed().Append(new NamedTensor("linear_relu_stack.1.num_batches_tracked", [], [0f]));
        string path = WritePt("extra.safetensors", tensors);
        string map = dir.File("map.txt");
        File.WriteAllText(map, "# PyTorch's quick-start module tree\nlinear_relu_stack.=dense_relu_sequential.\n");
        var eval = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--rename-file", map);
        Assert.Equal(EvalOurs(), TestBlock(eval));
        Assert.Equal([$"warning: {path}: ignoring 1 tensor(s) the model does not use: 'linear_relu_stack.1.num_batches_tracked' (as 'dense_relu_sequential.1.num_batches_tracked') (--strict refuses them)"],
            eval.StderrLines);
        var ours = Cli.Run("predict", "--device", "cpu", "--checkpoint", run.Dir.File("st/last.safetensors"), "--count", "20");
        var theirs = Cli.Run("predict", "--device", "cpu", "--checkpoint", path, "--rename", TorchRename, "--count", "20");
        Assert.Equal(0, theirs.ExitCode);
        Assert.Equal(ours.Stdout, theirs.Stdout);

        var strict = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--rename-file", map, "--strict");
        Assert.Equal(1, strict.ExitCode);
        Assert.EndsWith("unexpected 1 tensor (--strict): 'linear_relu_stack.1.num_batches_tracked' (as 'dense_relu_sequential.1.num_batches_tracked')", strict.SingleErrorLine());
    }

    [Fact]
    public void A_file_that_does_not_fit_is_one_line_listing_every_missing_name_and_mismatch_before_any_device_is_opened()
    {
        var tensors = TorchNamed().Where(t => t.Name != "linear_relu_stack.2.bias").Select(t =>
            t.Name == "linear_relu_stack.4.weight" ? new NamedTensor(t.Name, [5, 1024], t.Data) : t);
        string path = WritePt("bad.safetensors", tensors);
        var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path, "--rename", TorchRename);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {path}: does not fit the mlp: missing 1 tensor: 'dense_relu_sequential.2.bias'; " +
            "'linear_relu_stack.4.weight' (as 'dense_relu_sequential.4.weight') has shape [5, 1024] in the file, [10, 512] in the model",
            result.SingleErrorLine());
        Assert.Empty(result.Stdout); // not even the device line: nothing was opened

        var unmapped = Cli.Run("eval", "--device", "cpu", "--checkpoint", path);
        Assert.Contains("missing 6 tensors: 'dense_relu_sequential.0.weight', 'dense_relu_sequential.0.bias'", unmapped.SingleErrorLine());
    }

    [Theory]
    [InlineData("eval", "--rename", "linear_relu_stack.", "--rename 'linear_relu_stack.' has no '='")]
    [InlineData("eval", "--rename", "=x", "--rename '=x' has an empty FROM")]
    [InlineData("predict", "--rename", "a.=b.", "--rename 'a.=c.': FROM 'a.' is given twice")]
    [InlineData("train", "--rename", "a.=b.", "--rename applies to --resume FILE")]
    [InlineData("train", "--strict", null, "--strict applies to --resume FILE")]
    [InlineData("train", "--save-format", "onnx", "--save-format must be one of safetensors|ckpt, got 'onnx'")]
    public void Bad_rename_and_format_flags_are_usage_errors(string command, string flag, string? value, string message)
    {
        List<string> args = [command, flag, .. value is null ? Array.Empty<string>() : [value]];
        if (command != "train") args.AddRange(["--checkpoint", run.Dir.File("st/last.safetensors")]);
        if (value == "a.=b." && command == "predict") args.AddRange(["--rename", "a.=c."]);
        var result = Cli.Run([.. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {message}", result.SingleErrorLine());
    }

    [Fact]
    public void A_bad_map_file_is_one_line_naming_the_file_and_line()
    {
        string map = dir.File("map.txt");
        File.WriteAllText(map, "a.=b.\n\nno equals sign\n");
        var result = Cli.Run("eval", "--checkpoint", run.Dir.File("st/last.safetensors"), "--rename-file", map);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {map}: line 3: 'no equals sign' has no '=': expected FROM=TO, e.g. 'fc1.=dense_relu_sequential.0.'", result.SingleErrorLine());
    }

    [Fact]
    public void Ckpt_checkpoints_are_written_evaluated_and_resumed_bit_for_bit()
    {
        var whole = Cli.Run("train", "--device", "cpu", "--seed", "3", "--epochs", "2", "--optimizer", "momentum", "--save", dir.File("a"), "--save-format", "ckpt", "--progress", "none");
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(File.Exists(dir.File("a/epoch-1.ckpt")) && File.Exists(dir.File("a/epoch-2.ckpt")) && File.Exists(dir.File("a/last.ckpt")));
        Assert.False(File.Exists(dir.File("a/last.safetensors")));
        var eval = Cli.Run("eval", "--device", "cpu", "--checkpoint", dir.File("a/last.ckpt"));
        var lines = whole.StdoutLines;
        int lastTest = Array.LastIndexOf(lines, "Test: ");
        Assert.Equal(lines[lastTest..(lastTest + 2)], TestBlock(eval)[..2]);

        Assert.Equal(0, Cli.Run("train", "--device", "cpu", "--seed", "3", "--epochs", "1", "--optimizer", "momentum", "--save", dir.File("b"), "--save-format", "ckpt", "--progress", "none").ExitCode);
        var resumed = Cli.Run("train", "--device", "cpu", "--epochs", "2", "--resume", dir.File("b/epoch-1.ckpt"), "--save", dir.File("c"), "--save-format", "ckpt", "--progress", "none");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Empty(resumed.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("a/last.ckpt")), File.ReadAllBytes(dir.File("c/last.ckpt")));

        // The format is told by content, not by name.
        File.Copy(dir.File("a/last.ckpt"), dir.File("renamed.safetensors"));
        Assert.Equal(TestBlock(eval), TestBlock(Cli.Run("eval", "--device", "cpu", "--checkpoint", dir.File("renamed.safetensors"))));
    }

    [Fact]
    public void The_same_run_saved_as_ckpt_predicts_and_evaluates_as_its_safetensors()
    {
        Assert.Equal(0, Cli.Run("train", "--device", "cpu", "--seed", "3", "--epochs", "1", "--save", dir.File("d"), "--save-format", "ckpt", "--progress", "none").ExitCode);
        Assert.Equal(EvalOurs(), TestBlock(Cli.Run("eval", "--device", "cpu", "--checkpoint", dir.File("d/last.ckpt"))));
        var ours = Cli.Run("predict", "--device", "cpu", "--checkpoint", run.Dir.File("st/last.safetensors"), "--count", "30");
        var ckpt = Cli.Run("predict", "--device", "cpu", "--checkpoint", dir.File("d/last.ckpt"), "--count", "30");
        Assert.True(ckpt.ExitCode == 0, ckpt.ToString());
        Assert.Equal(ours.Stdout, ckpt.Stdout);
    }

    [Fact]
    public void A_malformed_ckpt_is_one_line_with_exit_1()
    {
        string path = dir.File("bad.ckpt");
        File.WriteAllBytes(path, [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x0a]); // a length of 2^62
        var result = Cli.Run("eval", "--checkpoint", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {path}: not a valid MindSpore checkpoint: value[0] at byte 1 declares 4611686018427387904 bytes but only 1 are left in the file", result.SingleErrorLine());
    }

    [PythonProtobufFact]
    public void A_ckpt_written_by_python_protobuf_evaluates_as_the_weights_it_holds()
    {
        var values = run.SafeTensors.Entries.Where(e => e.Name.StartsWith("dense_relu_sequential.", StringComparison.Ordinal)).Select(e =>
            (e.Name, e.Shape, run.SafeTensors.ReadFloat32(e.Name, [.. e.Shape.Select(d => (int)d)]).Select(v => (double)v).ToArray(), "Float32"));
        string path = dir.File("mindspore.ckpt");
        MindSporeCkptScript.RunChecked(MindSporeCkptScript.Json(values), "write", path);
        var result = Cli.Run("eval", "--device", "cpu", "--checkpoint", path);
        Assert.Equal(EvalOurs(), TestBlock(result));
        Assert.Empty(result.Stderr);
    }
}
