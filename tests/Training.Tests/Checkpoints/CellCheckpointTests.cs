using Trainer.Training.Checkpoints;
using Trainer.Training.Optim;
using Trainer.Training.Tests.Train;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Checkpoints of a cell and optimizer a user wrote: names from the cell tree, state under its own names, exact values back.</summary>
public sealed class CellCheckpointTests(CpuSession cpu) : IClassFixture<CpuSession>, IDisposable
{
    private readonly Data.TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(CheckpointFormat.SafeTensors)]
    [InlineData(CheckpointFormat.MindSporeCkpt)]
    public void A_user_cell_and_its_adam_state_round_trip_exactly(CheckpointFormat format)
    {
        GlobalSeed.Set(3);
        var net = new TwoLayerNet();
        var adam = new Adam(net.TrainableParams(), 0.01f);
        cpu.Session.Place(net);
        cpu.Session.Place(adam);
        // State that is not its initial value: every element distinct.
        foreach (var (p, i) in adam.State.Select((p, i) => (p, i)))
            cpu.Session.Assign(p, Enumerable.Range(0, (int)p.Type.ElementCount).Select(k => 0.001f * (k + 1) + i).ToArray());
        string path = Path.Combine(dir.Path, "user" + CheckpointFormats.Extension(format));
        var metadata = new Dictionary<string, string> { ["epoch"] = "2", ["note"] = "mine" };
        TrainingCheckpoint.Save(net, adam, metadata, epoch: 3, step: 40, format, path);

        var names = WeightFiles.Read(path).Tensors.Select(t => t.Name).ToList();
        string prefix = CheckpointFormats.OptimizerPrefix(format);
        Assert.Equal(
            ["shift", "encoder.0.weight", "encoder.0.bias", "head.weight", "head.bias",
             .. adam.State.Select(s => prefix + s.Name)],
            names);

        GlobalSeed.Set(99);
        var other = new TwoLayerNet();
        var otherAdam = new Adam(other.TrainableParams(), 0.01f);
        cpu.Session.Place(other);
        cpu.Session.Place(otherAdam);
        var read = TrainingCheckpoint.Load(path, cpu.Session, other, otherAdam);
        Assert.Equal("mine", read["note"]);
        Assert.Equal(net.TrainableParams().Select(p => p.ToFloatArray()), other.TrainableParams().Select(p => p.ToFloatArray()));
        Assert.Equal(adam.State.Select(p => p.ToFloatArray()), otherAdam.State.Select(p => p.ToFloatArray()));
    }

    [Fact]
    public void A_file_for_another_cell_is_one_line_naming_every_difference()
    {
        GlobalSeed.Set(3);
        var net = new TwoLayerNet(hidden: 4);
        cpu.Session.Place(net);
        string path = Path.Combine(dir.Path, "four.safetensors");
        TrainingCheckpoint.Save(net, null, new Dictionary<string, string>(), 1, 0, CheckpointFormat.SafeTensors, path);

        var wider = new TwoLayerNet(hidden: 6);
        cpu.Session.Place(wider);
        var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(path, cpu.Session, wider));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("encoder.0.weight", e.Message);
        Assert.Contains("head.weight", e.Message);
        Assert.Contains("TwoLayerNet", e.Message);
    }

    [Fact]
    public void Non_finite_weights_are_refused_naming_the_tensor()
    {
        GlobalSeed.Set(3);
        var net = new TwoLayerNet();
        cpu.Session.Place(net);
        cpu.Session.Assign(net.TrainableParams()[0], [float.PositiveInfinity, 0, 0]);
        string path = Path.Combine(dir.Path, "inf.safetensors");
        var e = Assert.Throws<Trainer.Training.Loops.TrainingDivergedException>(() =>
            TrainingCheckpoint.Save(net, null, new Dictionary<string, string>(), 2, 17, CheckpointFormat.SafeTensors, path));
        Assert.Equal("training diverged: 'shift' holds a non-finite value in epoch 2, after 17 steps in all", e.Message);
        Assert.False(File.Exists(path));
    }
}
