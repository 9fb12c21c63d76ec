using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// Weights written by the independent numpy script under PyTorch's and MindSpore's names load into
/// the quick-start MLP and give the logits a float64 forward pass over the same arrays gives.
/// </summary>
public sealed class ForeignWeightsTests(CpuSession cpu) : IClassFixture<CpuSession>
{
    private static readonly (string Name, int[] Shape)[] Layers =
    [
        ("dense_relu_sequential.0.weight", [512, 784]), ("dense_relu_sequential.0.bias", [512]),
        ("dense_relu_sequential.2.weight", [512, 512]), ("dense_relu_sequential.2.bias", [512]),
        ("dense_relu_sequential.4.weight", [10, 512]), ("dense_relu_sequential.4.bias", [10]),
    ];

    [PythonNumpyFact]
    public void A_weights_only_file_from_numpy_gives_the_float64_logits()
    {
        var random = new Random(5);
        var tensors = Layers.Select(l =>
        {
            var data = new float[l.Shape.Aggregate(1, (a, b) => a * b)];
            float bound = 1f / MathF.Sqrt(l.Shape[^1]) * 2f;
            for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * bound;
            return new NamedTensor(l.Name, l.Shape, data);
        }).ToArray();
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "numpy.safetensors");
        SafeTensorsScript.RunChecked(SafeTensorsScript.Json(tensors), "write", path);

        var file = SafeTensors.Read(path);
        var info = CheckpointInfo.FromMetadata(path, file.Metadata);
        Assert.False(info.FromTrainer);
        Assert.Equal(ModelKind.Mlp, info.Model);
        var steps = new QuickstartSteps(seed: 1, learningRate: 0.01f);
        cpu.Session.Place(steps.Model);
        QuickstartCheckpoint.Load(QuickstartCheckpoint.Match(file.ToWeightFile(), steps, withOptimizer: false, new WeightLoadOptions { Strict = true }), cpu.Session, steps, withOptimizer: false);

        const int rows = 7;
        var x = new float[rows * 784];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 4 - 1);
        var logits = steps.Model.Call(cpu.Session.ToDevice(new HostTensor([rows, 1, 28, 28], x))).ToFloatArray();
        cpu.Session.EndStep();

        double[] h = [.. x.Select(v => (double)v)];
        int inputs = 784;
        for (int layer = 0; layer < 3; layer++)
        {
            var w = tensors[2 * layer];
            var b = tensors[2 * layer + 1];
            int outputs = w.Shape[0];
            var next = new double[rows * outputs];
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outputs; o++)
                {
                    double acc = b.Data[o];
                    for (int k = 0; k < inputs; k++) acc += (double)w.Data[o * inputs + k] * h[r * inputs + k];
                    next[r * outputs + o] = layer < 2 ? Math.Max(acc, 0) : acc;
                }
            h = next;
            inputs = outputs;
        }
        for (int i = 0; i < h.Length; i++)
            Assert.True(Math.Abs(logits[i] - h[i]) <= 1e-4 * (1 + Math.Abs(h[i])), $"logit {i}: {logits[i]} against float64 {h[i]}");
    }
}
