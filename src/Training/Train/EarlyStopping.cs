namespace Trainer.Training.Train;

/// <summary>What <see cref="EarlyStopping"/> watches: a figure of the validation set's evaluation after each epoch.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The validation loss (<see cref="EvalResult.Loss"/>), to go down.</summary>
    EvalLoss,

    /// <summary>The validation accuracy (<see cref="EvalResult.Accuracy"/>), to go up.</summary>
    Accuracy,
}

/// <summary>
/// Stops training when the monitored figure has stopped improving (MindSpore's and Keras's <c>EarlyStopping</c>):
/// after each epoch's evaluation, a value better than the best so far by more than <see cref="MinDelta"/> becomes
/// the best; after <see cref="Patience"/> epochs in a row without one, training stops at the end of that epoch.
/// Needs a validation set (<see cref="TrainRunOptions.Validation"/>).
/// </summary>
public sealed class EarlyStopping : Callback
{
    /// <summary>Watches <paramref name="monitor"/>; stops after <paramref name="patience"/> epochs without an improvement larger than <paramref name="minDelta"/>.</summary>
    public EarlyStopping(EarlyStoppingMetric monitor = EarlyStoppingMetric.EvalLoss, int patience = 1, double minDelta = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!double.IsFinite(minDelta) || minDelta < 0) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "a finite number at least 0");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <summary>The figure watched.</summary>
    public EarlyStoppingMetric Monitor { get; }

    /// <summary>Epochs in a row without improvement after which training stops (at least 1).</summary>
    public int Patience { get; }

    /// <summary>How much better than the best a value must be to count as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The best value seen; NaN before the first evaluation.</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>Epochs in a row since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>The 0-based epoch after which training was stopped; null while it was not.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(RunContext context)
    {
        Best = double.NaN;
        Wait = 0;
        StoppedEpoch = null;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(RunContext context)
    {
        var result = context.EvalResult ?? throw new InvalidOperationException("EarlyStopping watches the validation set's evaluation: give Train a validation set");
        double value = Monitor == EarlyStoppingMetric.Accuracy ? result.Accuracy : result.Loss;
        bool improved = double.IsNaN(Best) ||
            (Monitor == EarlyStoppingMetric.Accuracy ? value - Best > MinDelta : Best - value > MinDelta);
        if (improved && !double.IsNaN(value))
        {
            Best = value;
            Wait = 0;
            return;
        }
        Wait++;
        if (Wait >= Patience)
        {
            StoppedEpoch = context.Epoch;
            context.RequestStop();
        }
    }
}
