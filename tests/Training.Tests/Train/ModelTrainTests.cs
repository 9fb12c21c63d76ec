using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Tests.Data;
using Trainer.Training.Train;

namespace Trainer.Training.Tests.Train;

/// <summary>
/// <see cref="Model"/>'s loop against what it must do: the callback events in MindSpore's order, the losses of a
/// float64 SGD loop written out by hand, evaluation against counting by hand, a resumed run equal bit for bit to
/// one never stopped, early stopping and the learning-rate hook.
/// </summary>
public sealed class ModelTrainTests(CpuSession cpu) : IClassFixture<CpuSession>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private const float LearningRate = 0.5f;

    private (Model Model, TinyNet Net) Make(ExecutionMode mode, ulong seed = 1)
    {
        GlobalSeed.Set(seed);
        var net = new TinyNet();
        var model = new Model(cpu.Session, net, new CrossEntropyLoss(), new SGD(net.TrainableParams(), LearningRate), mode);
        return (model, net);
    }

    [Fact]
    public void Callbacks_see_the_events_in_order_with_the_loops_position()
    {
        var (model, _) = Make(ExecutionMode.Graph);
        using var _ = model;
        var record = new RecordingCallback();
        model.Train(2, TinyTask.Batches(), [record], new TrainRunOptions { Validation = new PrefetchingBatchLoader(TinyTask.Batches()) });

        var expected = new List<string> { "train_begin step 0" };
        long step = 0;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            expected.Add($"epoch_begin {epoch} from 0");
            for (int batch = 0; batch < 3; batch++)
            {
                expected.Add($"step_begin {epoch}.{batch} step {step++}");
                expected.Add($"step_end {epoch}.{batch} rows {(batch < 2 ? 3 : 1)}");
            }
            expected.AddRange([$"eval_begin {epoch} rows 7", $"eval_end {epoch} total 7", $"epoch_end {epoch} step {step}"]);
        }
        expected.Add("train_end step 6");
        Assert.Equal(expected, record.Events);
    }

    [Theory]
    [InlineData(ExecutionMode.Graph)]
    [InlineData(ExecutionMode.Eager)]
    public void Trains_as_a_float64_sgd_loop_written_by_hand(ExecutionMode mode)
    {
        var (model, net) = Make(mode);
        using var _ = model;
        var reference = TinyTask.ReferenceLosses(net.Layer.Weight.ToFloatArray(), net.Layer.Bias!.ToFloatArray(), LearningRate, epochs: 3);
        var record = new RecordingCallback(readLoss: true);
        model.Train(3, TinyTask.Batches(), [record]);
        Assert.Equal(reference.Count, record.Losses.Count);
        for (int i = 0; i < reference.Count; i++)
            Assert.True(Math.Abs(record.Losses[i] - reference[i]) <= 1e-5 * Math.Max(1, reference[i]), $"step {i}: {record.Losses[i]} against {reference[i]}");
        Assert.True(reference[^1] < reference[0] / 2, "the reference itself learns"); // so the comparison is not of two flat lines
    }

    [Fact]
    public void Eval_counts_what_a_host_argmax_over_the_logits_counts()
    {
        var (model, net) = Make(ExecutionMode.Graph);
        using var _ = model;
        model.Train(2, TinyTask.Batches());
        var result = model.Eval(TinyTask.Batches());

        // By hand: the network's logits read back eagerly, argmax and loss in float64.
        long correct = 0;
        double lossSum = 0;
        int batches = 0;
        foreach (var batch in TinyTask.Batches().CreateTupleIterator(0))
        {
            var logits = net.Call(cpu.Session.ToDevice(batch[0])).ToFloatArray();
            int[] labels = batch[1].AsInt32();
            double batchLoss = 0;
            for (int r = 0; r < labels.Length; r++)
            {
                var row = logits.AsSpan(r * TinyTask.Classes, TinyTask.Classes).ToArray();
                if (Array.IndexOf(row, row.Max()) == labels[r]) correct++;
                double max = row.Max();
                batchLoss += Math.Log(row.Sum(v => Math.Exp(v - max))) + max - row[labels[r]];
            }
            lossSum += batchLoss / labels.Length;
            batches++;
            cpu.Session.EndStep();
        }
        Assert.Equal(7, result.Total);
        Assert.Equal(correct, result.Correct);
        Assert.Equal((double)correct / 7, result.Accuracy);
        Assert.Equal(lossSum / batches, result.Loss, 5);
    }

    [Theory]
    [InlineData(ExecutionMode.Graph)]
    [InlineData(ExecutionMode.Eager)]
    public void A_run_resumed_from_a_mid_epoch_checkpoint_equals_one_never_stopped(ExecutionMode mode)
    {
        // Momentum keeps state, so the checkpoint must carry the optimizer's too.
        List<float> Run(Func<Model, Momentum, RecordingCallback, List<float>> body)
        {
            GlobalSeed.Set(9);
            var net = new TwoLayerNet();
            var optimizer = new Momentum(net.TrainableParams(), 0.2f, 0.9f);
            using var model = new Model(cpu.Session, net, new CrossEntropyLoss(), optimizer, mode);
            return body(model, optimizer, new RecordingCallback(readLoss: true));
        }
        var straight = Run((model, _, record) => { model.Train(3, TinyTask.Batches(), [record]); return record.Losses; });

        string saved = Path.Combine(dir.Path, "run");
        Directory.CreateDirectory(saved);
        var firstPart = Run((model, _, record) =>
        {
            var checkpoint = new ModelCheckpoint(saved, "tiny", saveSteps: 4, keepMax: 10);
            var stop = new StopAt(4);
            model.Train(3, TinyTask.Batches(), [record, checkpoint, stop]);
            return record.Losses;
        });
        // Step 4 is batch 1 of epoch 1: MindSpore's name is the epoch (1-based) and the batches trained in it.
        string file = Path.Combine(saved, "tiny-2_1.safetensors");
        var resumed = Run((model, optimizer, record) =>
        {
            var metadata = TrainingCheckpoint.Load(file, cpu.Session, model.Network, optimizer);
            Assert.Equal(("1", "1", "4"), (metadata["epoch"], metadata["batch"], metadata["step"]));
            model.Train(3, TinyTask.Batches(), [record], new TrainRunOptions { InitialEpoch = 1, InitialBatch = 1, InitialStep = 4 });
            return record.Losses;
        });
        Assert.Equal(9, straight.Count);
        Assert.Equal(straight.Take(4), firstPart.Take(4));
        Assert.Equal(straight.Skip(4), resumed); // bit for bit
    }

    /// <summary>Asks to stop once <see cref="RunContext.Step"/> steps are done.</summary>
    private sealed class StopAt(long steps) : Callback
    {
        public override void OnStepEnd(RunContext context)
        {
            if (context.Step + 1 == steps) context.RequestStop();
        }
    }

    [Fact]
    public void Model_checkpoint_files_reload_to_the_weights_they_were_written_from()
    {
        var (model, net) = Make(ExecutionMode.Graph, seed: 4);
        using var _ = model;
        string saved = Path.Combine(dir.Path, "ckpt");
        Directory.CreateDirectory(saved);
        var snapshots = new Dictionary<long, float[][]>();
        var checkpoint = new ModelCheckpoint(saved, "net", saveSteps: 2, keepMax: 2);
        var snapshot = new Snapshot(net, snapshots);
        model.Train(2, TinyTask.Batches(), [checkpoint, snapshot]);

        // Steps 2 and 4 save mid-epoch, each epoch's end too (steps 3 and 6); the two newest are kept.
        Assert.Equal(["net-2_1.safetensors", "net-2_3.safetensors"], Directory.GetFiles(saved).Select(Path.GetFileName).Order());
        Assert.Equal(Path.Combine(saved, "net-2_3.safetensors"), checkpoint.Latest);
        foreach (var (name, step) in new[] { ("net-2_1.safetensors", 4L), ("net-2_3.safetensors", 6L) })
        {
            GlobalSeed.Set(77); // other initial weights, so the load has to overwrite them
            var fresh = new TinyNet();
            cpu.Session.Place(fresh);
            TrainingCheckpoint.Load(Path.Combine(saved, name), cpu.Session, fresh);
            Assert.Equal(snapshots[step], fresh.TrainableParams().Select(p => p.ToFloatArray()).ToArray());
        }
    }

    /// <summary>Keeps the weights after every step, keyed by the steps taken.</summary>
    private sealed class Snapshot(Cell net, Dictionary<long, float[][]> into) : Callback
    {
        public override void OnStepEnd(RunContext context) =>
            into[context.Step + 1] = net.TrainableParams().Select(p => p.ToFloatArray()).ToArray();
    }

    [Fact]
    public void Early_stopping_ends_training_after_patience_epochs_without_improvement()
    {
        var (model, _) = Make(ExecutionMode.Graph);
        using var _ = model;
        var record = new RecordingCallback();
        // No epoch can improve the loss by 10: the first sets the best, the next two do not improve, so training ends after epoch 2.
        var stopping = new EarlyStopping(EarlyStoppingMetric.EvalLoss, patience: 2, minDelta: 10);
        model.Train(8, TinyTask.Batches(), [record, stopping], new TrainRunOptions { Validation = new PrefetchingBatchLoader(TinyTask.Batches()) });
        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(3, record.Events.Count(e => e.StartsWith("epoch_end", StringComparison.Ordinal)));
        Assert.Equal("train_end step 9", record.Events[^1]);
    }

    [Fact]
    public void The_learning_rate_hook_is_called_before_every_step_with_the_global_step()
    {
        var (model, _) = Make(ExecutionMode.Eager);
        using var _ = model;
        var applied = new List<(long Step, double Rate)>();
        long current = -1;
        var schedule = new LearningRateScheduler(step => { current = step; return 0.1 / (1 + step); }, rate => applied.Add((current, rate)));
        model.Train(2, TinyTask.Batches(), [schedule], new TrainRunOptions { InitialEpoch = 1, InitialBatch = 1, InitialStep = 4 });
        Assert.Equal([(4L, 0.1 / 5), (5L, 0.1 / 6)], applied);
        Assert.Equal(0.1 / 6, schedule.Current);
    }

    [Fact]
    public void Graph_mode_reads_nothing_back_unless_a_callback_reads_the_loss()
    {
        var (model, _) = Make(ExecutionMode.Graph);
        using var _ = model;
        var loader = new PrefetchingBatchLoader(TinyTask.Batches());
        model.Build(loader);
        var backend = cpu.Session.Backend;
        (long Downloads, long Syncs) Count(Callback[] callbacks)
        {
            long downloads = backend.DownloadCount, syncs = backend.SyncCount;
            model.Train(1, loader, callbacks);
            return (backend.DownloadCount - downloads, backend.SyncCount - syncs);
        }
        // Callbacks that only look at LossIfRead, time and position: no download; one wait, at the epoch's end.
        Assert.Equal((0L, 1L), Count([new RecordingCallback(), new TimeMonitor(TextWriter.Null)]));
        // Reading the loss at batch 0 (the log's step) and batch 2: one download and one wait each.
        Assert.Equal((2L, 3L), Count([new LossMonitor(TextWriter.Null, interval: 2)]));
    }

    [Fact]
    public void A_non_finite_loss_read_stops_training_naming_the_step()
    {
        var (model, net) = Make(ExecutionMode.Eager);
        using var _ = model;
        cpu.Session.Assign(net.Layer.Weight, Enumerable.Repeat(float.NaN, TinyTask.Features * TinyTask.Classes).ToArray());
        var e = Assert.Throws<TrainingDivergedException>(() => model.Train(1, TinyTask.Batches(), [new LossCheck(1)]));
        Assert.Equal("training diverged: the loss is NaN at epoch 1, step 0", e.Message);
    }
}
