using Trainer.Training.Checkpoints;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>A BatchNorm's state in checkpoints: saved under MindSpore's names, loaded from them or from PyTorch's.</summary>
public sealed class BatchNormCheckpointTests(CpuSession cpu) : IClassFixture<CpuSession>, IDisposable
{
    private readonly Data.TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static SequentialCell Network() => new(new Conv2d(2, 3, 1), new BatchNorm2d(3), new ReLU());

    private static float[] Values(int n, float start) => Enumerable.Range(0, n).Select(i => start + 0.25f * i).ToArray();

    [Fact]
    public void Saved_under_mindspore_names_and_read_back_exactly()
    {
        var net = Network();
        cpu.Session.Place(net);
        var bn = (BatchNorm)net.NameCells()[1].Cell;
        cpu.Session.Assign(bn.MovingMean, Values(3, -1f));
        cpu.Session.Assign(bn.MovingVariance, Values(3, 2f));
        string path = Path.Combine(dir.Path, "bn.safetensors");
        TrainingCheckpoint.Save(net, null, new Dictionary<string, string>(), 1, 0, CheckpointFormat.SafeTensors, path);
        Assert.Equal(["0.weight", "1.gamma", "1.beta", "1.moving_mean", "1.moving_variance"], WeightFiles.Read(path).Tensors.Select(t => t.Name));

        var other = Network();
        cpu.Session.Place(other);
        TrainingCheckpoint.Load(path, cpu.Session, other);
        Assert.Equal(net.NamedState().Select(s => s.Tensor.ToFloatArray()), other.NamedState().Select(s => s.Tensor.ToFloatArray()));
    }

    [Fact]
    public void PyTorch_names_load_and_num_batches_tracked_is_ignored()
    {
        string path = Path.Combine(dir.Path, "torch.safetensors");
        SafeTensors.Write(path,
        [
            new NamedTensor("0.weight", [3, 2, 1, 1], Values(6, 0.5f)),
            new NamedTensor("1.weight", [3], Values(3, 1.5f)),
            new NamedTensor("1.bias", [3], Values(3, -0.5f)),
            new NamedTensor("1.running_mean", [3], Values(3, 0.1f)),
            new NamedTensor("1.running_var", [3], Values(3, 4f)),
            new NamedTensor("1.num_batches_tracked", [], [20f]),
        ], new Dictionary<string, string>());
        var net = Network();
        cpu.Session.Place(net);
        TrainingCheckpoint.Load(path, cpu.Session, net);
        var bn = (BatchNorm)net.NameCells()[1].Cell;
        Assert.Equal(Values(3, 1.5f), bn.Gamma.ToFloatArray());
        Assert.Equal(Values(3, -0.5f), bn.Beta.ToFloatArray());
        Assert.Equal(Values(3, 0.1f), bn.MovingMean.ToFloatArray());
        Assert.Equal(Values(3, 4f), bn.MovingVariance.ToFloatArray());

        // A Conv2d's own 'weight' is not renamed: only BatchNorm prefixes are.
        var missing = Path.Combine(dir.Path, "missing.safetensors");
        SafeTensors.Write(missing, [new NamedTensor("1.running_var", [3], Values(3, 4f))], new Dictionary<string, string>());
        var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(missing, cpu.Session, Network()));
        Assert.Contains("missing 4 tensors: '0.weight', '1.gamma', '1.beta', '1.moving_mean'", e.Message);
    }
}
