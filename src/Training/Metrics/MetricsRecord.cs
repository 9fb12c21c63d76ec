namespace Trainer.Training.Metrics;

/// <summary>
/// One line of a metrics log (see <see cref="MetricsLog"/> for the JSON schema).
/// </summary>
/// <param name="Kind">"step" for a training step, "epoch" for the end of an epoch.</param>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Step">The global step counted from 0 over all epochs; an epoch record has the step count at its end.</param>
/// <param name="Loss">Training loss (of the step, or the epoch's mean); may be NaN or infinite when training diverged.</param>
/// <param name="Lr">Learning rate in effect.</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
/// <param name="TestAccuracy">Fraction 0..1 of the test set classified correctly; epoch records only.</param>
/// <param name="TestLoss">Mean loss over the test set; epoch records only.</param>
public sealed record MetricsRecord(
    string Kind,
    int Epoch,
    long Step,
    double Loss,
    double Lr,
    double SamplesPerSecond,
    double? TestAccuracy,
    double? TestLoss)
{
    /// <summary>The <c>kind</c> of a record written every logged step.</summary>
    public const string StepKind = "step";
    /// <summary>The <c>kind</c> of a record written at the end of each epoch.</summary>
    public const string EpochKind = "epoch";

    /// <summary>Whether this is a step record.</summary>
    public bool IsStep => Kind == StepKind;
    /// <summary>Whether this is an epoch record.</summary>
    public bool IsEpoch => Kind == EpochKind;
}
