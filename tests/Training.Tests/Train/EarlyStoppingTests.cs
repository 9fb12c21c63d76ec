using Trainer.Training.Distributed;
using Trainer.Training.Train;

namespace Trainer.Training.Tests.Train;

/// <summary>EarlyStopping's rule against sequences worked out by hand.</summary>
public sealed class EarlyStoppingTests
{
    private static RunContext Context(int epochs)
    {
        GlobalSeed.Set(0);
        var net = new TinyNet();
        var model = new Model(net, (a, _) => a, new Trainer.Training.Optim.SGD(net.TrainableParams(), 0.1f));
        return new RunContext(model, epochs, 1, 0, DataParallelGroup.Single);
    }

    /// <summary>Feeds one evaluation per epoch; returns the epoch after which it asked to stop, or null.</summary>
    private static int? StopsAfter(EarlyStopping stopping, double[] values, EarlyStoppingMetric metric)
    {
        var context = Context(values.Length);
        stopping.OnTrainBegin(context);
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            context.BeginEpoch(epoch, 0);
            context.EvalResult = metric == EarlyStoppingMetric.EvalLoss ? new EvalResult(0, values[epoch], 0, 1) : new EvalResult(values[epoch], 0, 0, 1);
            stopping.OnEpochEnd(context);
            if (context.StopRequested) return epoch;
        }
        return null;
    }

    [Theory]
    // best 1.0, then 0.9 improves, 0.95 and 0.92 do not: two in a row at patience 2 stop after epoch 3
    [InlineData(new[] { 1.0, 0.9, 0.95, 0.92, 0.5 }, 2, 0.0, 3)]
    // every epoch improves: never stops
    [InlineData(new[] { 1.0, 0.9, 0.8, 0.7 }, 1, 0.0, null)]
    // an improvement of 0.25 is not more than min_delta 0.25: patience 1 stops after the second epoch
    [InlineData(new[] { 1.0, 0.75, 0.5 }, 1, 0.25, 1)]
    // a NaN never improves: patience 1 stops there
    [InlineData(new[] { 1.0, double.NaN, 0.1 }, 1, 0.0, 1)]
    public void Loss_stops_after_patience_epochs_without_improvement(double[] losses, int patience, double minDelta, int? stopsAfter)
    {
        var stopping = new EarlyStopping(EarlyStoppingMetric.EvalLoss, patience, minDelta);
        Assert.Equal(stopsAfter, StopsAfter(stopping, losses, EarlyStoppingMetric.EvalLoss));
    }

    [Fact]
    public void Accuracy_must_go_up()
    {
        var stopping = new EarlyStopping(EarlyStoppingMetric.Accuracy, patience: 1);
        Assert.Equal(2, StopsAfter(stopping, [0.5, 0.7, 0.6, 0.9], EarlyStoppingMetric.Accuracy));
        Assert.Equal(0.7, stopping.Best);
    }

    [Fact]
    public void Without_a_validation_set_it_says_so()
    {
        var context = Context(1);
        var e = Assert.Throws<InvalidOperationException>(() => new EarlyStopping().OnEpochEnd(context));
        Assert.Contains("validation set", e.Message);
    }
}
