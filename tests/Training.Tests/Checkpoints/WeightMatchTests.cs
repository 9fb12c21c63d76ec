using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// Files written with PyTorch's conventions (<c>{"format": "pt"}</c>, PyTorch module names, F16/BF16/F64) matched
/// to the quick-start MLP: loaded values equal the float64 value of each stored element, and a file that does not
/// fit is one line listing every missing name and every shape mismatch with both shapes.
/// </summary>
public sealed class WeightMatchTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly (string Torch, string Ours, long[] Shape)[] Mlp =
    [
        ("fc1.weight", "dense_relu_sequential.0.weight", [512, 784]), ("fc1.bias", "dense_relu_sequential.0.bias", [512]),
        ("fc2.weight", "dense_relu_sequential.2.weight", [512, 512]), ("fc2.bias", "dense_relu_sequential.2.bias", [512]),
        ("fc3.weight", "dense_relu_sequential.4.weight", [10, 512]), ("fc3.bias", "dense_relu_sequential.4.bias", [10]),
    ];

    private static readonly TensorNameMap TorchNames =
        TensorNameMap.Parse(["fc1.=dense_relu_sequential.0.", "fc2.=dense_relu_sequential.2.", "fc3.=dense_relu_sequential.4."]);

    private static float[] RandomValues(Random random, long count, double scale) =>
        [.. Enumerable.Range(0, (int)count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale))];

    private string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(dir.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static WeightMatch MatchMlp(string path, WeightLoadOptions options) =>
        QuickstartCheckpoint.Match(WeightFiles.Read(path), new QuickstartSteps(seed: 1, learningRate: 0.01f), withOptimizer: false, options);

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    public void A_pt_file_loads_with_the_value_of_every_stored_element(string dtype)
    {
        var random = new Random(dtype.Length);
        var tensors = Mlp.Select(l => new PtStyleSafeTensors.Tensor(l.Torch, dtype, l.Shape,
            PtStyleSafeTensors.Encode(RandomValues(random, l.Shape.Aggregate(1L, (a, b) => a * b), 0.05), dtype))).ToList();
        string path = WriteFile("model.safetensors", PtStyleSafeTensors.Build(tensors, "{\"format\":\"pt\",\"note\":\"unknown keys are kept\"}"));

        var file = WeightFiles.Read(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("unknown keys are kept", file.Metadata["note"]);
        var info = CheckpointInfo.FromMetadata(path, file.Metadata);
        Assert.False(info.FromTrainer);
        var match = MatchMlp(path, new WeightLoadOptions { Rename = TorchNames });
        Assert.Empty(match.Unused);
        Assert.Equal(dtype == "F32" ? [] : [dtype], match.ConvertedDtypes);
        foreach (var (torch, ours, _) in Mlp)
        {
            var expected = PtStyleSafeTensors.Decode(tensors.Single(t => t.Name == torch).Data, dtype);
            var actual = match.Values(ours);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(actual[i] == (float)expected[i] && (dtype == "F64" || actual[i] == expected[i]), $"{torch}[{i}]: {actual[i]} against {expected[i]}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("{\"format\":\"ms\"}")]
    [InlineData("{\"format\":\"flax\",\"model\":\"not ours\"}")]
    [InlineData("{\"model\":\"bert-base\"}")]
    public void Any_other_tools_metadata_is_weights_only(string? metadata)
    {
        var tensors = Mlp.Select(l => new PtStyleSafeTensors.Tensor(l.Ours, "F32", l.Shape, new byte[4 * l.Shape.Aggregate(1L, (a, b) => a * b)]));
        string path = WriteFile("w.safetensors", PtStyleSafeTensors.Build(tensors, metadata));
        var file = WeightFiles.Read(path);
        var info = CheckpointInfo.FromMetadata(path, file.Metadata);
        Assert.False(info.FromTrainer);
        Assert.Equal(ModelKind.Mlp, info.Model);
        MatchMlp(path, WeightLoadOptions.Default);
    }

    [Fact]
    public void A_later_version_of_our_own_format_is_refused()
    {
        string path = WriteFile("v2.safetensors", PtStyleSafeTensors.Build([], "{\"format\":\"trainer-checkpoint/2\"}"));
        var e = Assert.Throws<CheckpointException>(() => CheckpointInfo.FromMetadata(path, WeightFiles.Read(path).Metadata));
        Assert.Equal($"{path}: metadata 'format' is 'trainer-checkpoint/2', a version this trainer cannot read (it reads 'trainer-checkpoint/1')", e.Message);
    }

    [Fact]
    public void A_file_that_does_not_fit_is_one_line_with_every_missing_name_and_every_mismatch()
    {
        var tensors = new List<PtStyleSafeTensors.Tensor>
        {
            new("fc1.weight", "F16", [512, 785], new byte[2 * 512 * 785]), // wrong shape
            new("fc1.bias", "F32", [512], new byte[4 * 512]),
            new("fc2.weight", "I64", [512, 512], new byte[8 * 512 * 512]), // not a float
            new("fc3.weight", "F32", [10, 512], new byte[4 * 10 * 512]),
            new("fc3.bias", "F32", [1, 10], new byte[40]), // wrong shape
            new("extra.scale", "F32", [1], new byte[4]),
            // fc2.bias is missing
        };
        string path = WriteFile("bad.safetensors", PtStyleSafeTensors.Build(tensors));
        var e = Assert.Throws<CheckpointException>(() => MatchMlp(path, new WeightLoadOptions { Rename = TorchNames, Strict = true }));
        Assert.Equal(
            $"{path}: does not fit the mlp: missing 1 tensor: 'dense_relu_sequential.2.bias'; " +
            "'fc1.weight' (as 'dense_relu_sequential.0.weight') has shape [512, 785] in the file, [512, 784] in the model; " +
            "'fc2.weight' (as 'dense_relu_sequential.2.weight') has dtype I64, expected a float type (F16, BF16, F32 or F64); " +
            "'fc3.bias' (as 'dense_relu_sequential.4.bias') has shape [1, 10] in the file, [10] in the model; " +
            "unexpected 1 tensor (--strict): 'extra.scale'", e.Message);

        // Without the rename nothing matches, and the message says how to map names.
        var unmapped = Assert.Throws<CheckpointException>(() => MatchMlp(path, WeightLoadOptions.Default));
        Assert.Contains("missing 6 tensors: 'dense_relu_sequential.0.weight', ", unmapped.Message);
        Assert.EndsWith("--rename FROM=TO maps another framework's names)", unmapped.Message);
    }

    [Fact]
    public void Tensors_the_model_does_not_use_are_reported_and_ignored_unless_strict()
    {
        var tensors = Mlp.Select(l => new PtStyleSafeTensors.Tensor(l.Torch, "F32", l.Shape, new byte[4 * l.Shape.Aggregate(1L, (a, b) => a * b)]))
            .Append(new("num_batches_tracked", "I64", [], new byte[8]))
            .Append(new("head.weight", "F32", [2, 2], new byte[16]));
        string path = WriteFile("extra.safetensors", PtStyleSafeTensors.Build(tensors));
        var match = MatchMlp(path, new WeightLoadOptions { Rename = TorchNames });
        Assert.Equal(["'num_batches_tracked'", "'head.weight'"], match.Unused); // in file order
        var e = Assert.Throws<CheckpointException>(() => MatchMlp(path, new WeightLoadOptions { Rename = TorchNames, Strict = true }));
        Assert.EndsWith("unexpected 2 tensors (--strict): 'num_batches_tracked', 'head.weight'", e.Message);
    }

    [Fact]
    public void Two_names_that_map_to_one_are_refused()
    {
        var tensors = Mlp.Select(l => new PtStyleSafeTensors.Tensor(l.Ours, "F32", l.Shape, new byte[4 * l.Shape.Aggregate(1L, (a, b) => a * b)]))
            .Append(new("model.dense_relu_sequential.4.bias", "F32", [10], new byte[40]));
        string path = WriteFile("clash.safetensors", PtStyleSafeTensors.Build(tensors));
        var e = Assert.Throws<CheckpointException>(() => MatchMlp(path, new WeightLoadOptions { Rename = TensorNameMap.Parse(["model.="]) }));
        Assert.Contains("both map to 'dense_relu_sequential.4.bias'", e.Message);
    }

    [Theory]
    [InlineData("F16", new byte[] { 0x00, 0x7e }, "is NaN as float32 (F16 value bits 0x7e00)")]
    [InlineData("F16", new byte[] { 0x00, 0xfc }, "is infinite as float32 (F16 value bits 0xfc00)")]
    [InlineData("BF16", new byte[] { 0x80, 0x7f }, "is infinite as float32 (BF16 value bits 0x7f80)")]
    [InlineData("F64", new byte[] { 0, 0, 0, 0, 0, 0, 0xf0, 0x47 }, "is beyond float32's range as float32 (F64 value 3.402823669209385E+38)")]
    public void A_weight_that_is_not_finite_after_conversion_is_refused(string dtype, byte[] bad, string problem)
    {
        var tensors = Mlp.Select(l =>
        {
            int size = dtype == "F64" ? 8 : 2;
            var data = new byte[size * l.Shape.Aggregate(1L, (a, b) => a * b)];
            if (l.Torch == "fc2.bias") bad.CopyTo(data, 7 * size);
            return new PtStyleSafeTensors.Tensor(l.Torch, dtype, l.Shape, data);
        });
        string path = WriteFile("nan.safetensors", PtStyleSafeTensors.Build(tensors));
        var e = Assert.Throws<CheckpointException>(() => MatchMlp(path, new WeightLoadOptions { Rename = TorchNames }));
        Assert.Equal($"{path}: tensor 'fc2.bias' (as 'dense_relu_sequential.2.bias') element 7 {problem}; weights must be finite", e.Message);
    }
}
