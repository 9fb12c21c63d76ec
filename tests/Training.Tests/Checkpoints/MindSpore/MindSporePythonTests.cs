using System.Text.Json;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Checkpoints.MindSpore;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints.MindSpore;

/// <summary>
/// .ckpt files against Python's protobuf runtime over the same vendored checkpoint.proto: a file Python writes the
/// way MindSpore's save_checkpoint does loads into the quick-start MLP with its exact values, and a file the trainer
/// writes parses in Python with MindSpore's tag names, tensor types, dims and contents.
/// </summary>
public sealed class MindSporePythonTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly (string Name, long[] Shape)[] Mlp =
    [
        ("dense_relu_sequential.0.weight", [512, 784]), ("dense_relu_sequential.0.bias", [512]),
        ("dense_relu_sequential.2.weight", [512, 512]), ("dense_relu_sequential.2.bias", [512]),
        ("dense_relu_sequential.4.weight", [10, 512]), ("dense_relu_sequential.4.bias", [10]),
    ];

    [PythonProtobufFact]
    public void A_ckpt_written_by_python_protobuf_loads_into_the_mlp_with_its_exact_values()
    {
        var random = new Random(3);
        // MindSpore's quick-start network saved with its optimizer (nn.SGD's 'accum' and 'stat', learning_rate,
        // global_step), one layer stored as Float16: the weights load, the rest is skipped as optimizer state.
        var values = Mlp.Select(l => (l.Name, l.Shape,
            Data: Enumerable.Range(0, (int)l.Shape.Aggregate(1L, (a, b) => a * b)).Select(_ => random.NextDouble() * 0.1 - 0.05).ToArray(),
            Type: l.Name.EndsWith("4.weight", StringComparison.Ordinal) ? "Float16" : "Float32")).ToList();
        var extras = new List<(string, long[], double[], string)>
        {
            ("accum.dense_relu_sequential.4.bias", [10], new double[10], "Float32"),
            ("learning_rate", [], [0.01], "Float32"),
            ("global_step", [1], [125], "Int32"),
        };
        string path = Path.Combine(dir.Path, "mindspore.ckpt");
        MindSporeCkptScript.RunChecked(MindSporeCkptScript.Json([.. values, .. extras], [("epoch_num_text", "2")]), "write", path);

        var file = WeightFiles.Read(path);
        Assert.Equal(CheckpointFormat.MindSporeCkpt, file.Format);
        Assert.Equal("2", file.Metadata["epoch_num_text"]);
        var match = QuickstartCheckpoint.Match(file, new QuickstartSteps(seed: 1, learningRate: 0.01f), withOptimizer: false, WeightLoadOptions.Default);
        Assert.Empty(match.Unused);
        Assert.Equal(["Float16"], match.ConvertedDtypes);
        foreach (var (name, _, data, type) in values)
        {
            var loaded = match.Values(name);
            for (int i = 0; i < data.Length; i++)
            {
                float expected = type == "Float16" ? (float)(Half)data[i] : (float)data[i]; // numpy's astype rounds to nearest
                Assert.True(loaded[i] == expected, $"{name}[{i}]: {loaded[i]} against {expected}");
            }
        }
    }

    [PythonProtobufFact]
    public void A_ckpt_the_trainer_writes_parses_in_python_with_MindSpores_tags_and_types()
    {
        var random = new Random(4);
        NamedTensor[] tensors =
        [
            new("dense_relu_sequential.0.weight", [7, 3], [.. Enumerable.Range(0, 21).Select(_ => (float)random.NextDouble() - 0.5f)]),
            new("moments.dense_relu_sequential.0.weight", [7, 3], [.. Enumerable.Range(0, 21).Select(_ => (float)random.NextDouble())]),
            new("beta1_power", [1], [0.81f]),
        ];
        string path = Path.Combine(dir.Path, "ours.ckpt");
        MindSporeCheckpoint.Write(path, tensors, new Dictionary<string, string> { ["format"] = CheckpointInfo.Format, ["model"] = "mlp" });
        var rows = MindSporeCkptScript.RunChecked(null, "read", path).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["dense_relu_sequential.0.weight", "moments.dense_relu_sequential.0.weight", "beta1_power", "__metadata__.format", "__metadata__.model"],
            rows.Select(r => r.GetProperty("tag").GetString()));
        foreach (var (t, row) in tensors.Zip(rows))
        {
            Assert.Equal("Float32", row.GetProperty("tensor_type").GetString());
            Assert.Equal(t.Shape.Select(d => (long)d), row.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(4 * t.Data.Length, row.GetProperty("bytes").GetInt32());
            double sum = t.Data.Sum(v => (double)v);
            Assert.True(Math.Abs(row.GetProperty("sum").GetDouble() - sum) <= 1e-12 * t.Data.Sum(v => Math.Abs((double)v)), t.Name);
        }
        Assert.Equal("str", rows[3].GetProperty("tensor_type").GetString());
        Assert.Equal([0L], rows[3].GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(CheckpointInfo.Format, rows[3].GetProperty("text").GetString());
        Assert.Equal("mlp", rows[4].GetProperty("text").GetString());
    }
}
