using Trainer.Cli.Quickstart;
using Trainer.Kernels.Device;
using Trainer.Training;
using Trainer.Training.Checkpoints;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Cli.Tests.Quickstart;

/// <summary>
/// The command's checkpoints are the library's: what <see cref="QuickstartCheckpoint"/> writes, the library's general
/// <see cref="TrainingCheckpoint"/> loads into a zoo cell built by hand, and its metadata reads back as the same
/// <see cref="CheckpointInfo"/>; the command's own loader puts the optimizer state back too.
/// </summary>
public sealed class QuickstartCheckpointTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(CheckpointFormat.SafeTensors)]
    [InlineData(CheckpointFormat.MindSporeCkpt)]
    public void What_the_command_writes_the_library_loads_into_a_zoo_cell_and_the_metadata_reads_back(CheckpointFormat format)
    {
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam, WeightDecay = 0.125f };
        var input = ModelInput.Image(1, 7, 9, 3);
        using var session = Session.Open(DeviceRequest.For(DeviceKind.Cpu));
        var steps = new QuickstartSteps(seed: 5, learningRate: 0.002f, adam, ModelKind.Mlp, input, dropout: 0.25f);
        session.Place(steps.Model);
        session.Place(steps.Optimizer);
        // Optimizer state that is not its initial zeros: every element distinct.
        foreach (var (s, i) in steps.Optimizer.State.Select((s, i) => (s, i)))
            session.Assign(s, Enumerable.Range(0, (int)s.Type.ElementCount).Select(k => 0.001f * (k + 1) + i).ToArray());
        var info = new CheckpointInfo
        {
            Model = ModelKind.Mlp, Input = input, Dropout = 0.25f, Optimizer = adam, LearningRate = 0.002f,
            Seed = 5, BatchSize = 7, Epoch = 1, Batch = 3, Step = 13, FromTrainer = true,
        };
        string path = dir.File("run" + CheckpointFormats.Extension(format));
        QuickstartCheckpoint.Save(steps, info, format, path);

        // A program of its own: the zoo's MLP built by hand from the metadata, loaded by the library's API.
        var network = new MnistNetwork(input.Features, 512, input.Classes, 0.25f);
        session.Place(network);
        var metadata = TrainingCheckpoint.Load(path, session, network);
        Assert.Equal(info, CheckpointInfo.FromMetadata(path, metadata));
        var expected = steps.Model.TrainableParams().ToDictionary(p => p.Name, p => p.ToFloatArray());
        foreach (var p in network.TrainableParams())
            Assert.Equal(expected[p.Name], p.ToFloatArray());

        // The command's resume: a fresh recipe with other seeds gets the weights and the optimizer state back.
        var resumed = new QuickstartSteps(seed: 9, learningRate: 0.002f, adam, ModelKind.Mlp, input, dropout: 0.25f);
        session.Place(resumed.Model);
        session.Place(resumed.Optimizer);
        var match = QuickstartCheckpoint.Match(WeightFiles.Read(path), resumed, withOptimizer: true, new WeightLoadOptions { Strict = true });
        QuickstartCheckpoint.Load(match, session, resumed, withOptimizer: true);
        foreach (var (saved, loaded) in steps.Optimizer.State.Zip(resumed.Optimizer.State))
            Assert.Equal(saved.ToFloatArray(), loaded.ToFloatArray());
        foreach (var p in resumed.Model.TrainableParams())
            Assert.Equal(expected[p.Name], p.ToFloatArray());
    }

    [Fact]
    public void A_mismatch_names_the_model_as_model_does()
    {
        using var session = Session.Open(DeviceRequest.For(DeviceKind.Cpu));
        var lenet = new QuickstartSteps(seed: 1, learningRate: 0.01f, null, ModelKind.LeNet);
        session.Place(lenet.Model);
        session.Place(lenet.Optimizer);
        string path = dir.File("lenet.safetensors");
        QuickstartCheckpoint.Save(lenet, new CheckpointInfo { Model = ModelKind.LeNet, FromTrainer = true }, path);
        var mlp = new QuickstartSteps(seed: 1, learningRate: 0.01f);
        var e = Assert.Throws<CheckpointException>(() =>
            QuickstartCheckpoint.Match(WeightFiles.Read(path), mlp, withOptimizer: false, new WeightLoadOptions { Strict = true }));
        Assert.Contains("the mlp", e.Message);
    }
}
