namespace Trainer.Training.Loops;

/// <summary>
/// Training produced a non-finite loss (or non-finite weights, found when saving them): the run
/// stops rather than print NaN for the rest of its epochs. <see cref="Epoch"/> is 1-based, as the
/// log counts; <see cref="Batch"/> is the batch index within the epoch, as the log's
/// <c>[batch/size]</c> shows it.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    private TrainingDivergedException(string what, int epoch, int batch, string? detail)
        : base("training diverged: " + what + (detail is null ? "" : "; " + detail))
    {
        What = what;
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>The loss of step <paramref name="batch"/> of epoch <paramref name="epoch"/> (1-based) was <paramref name="loss"/>.</summary>
    public static TrainingDivergedException Loss(int epoch, int batch, float loss) =>
        new(FormattableString.Invariant($"the loss is {loss} at epoch {epoch}, step {batch}"), epoch, batch, null);

    /// <summary>After <paramref name="steps"/> training steps in all (epoch <paramref name="epoch"/>, 1-based), tensor <paramref name="tensor"/> held a non-finite value.</summary>
    public static TrainingDivergedException Weights(int epoch, long steps, string tensor) =>
        new(FormattableString.Invariant($"'{tensor}' holds a non-finite value in epoch {epoch}, after {steps} steps in all"), epoch, -1, null);

    /// <summary>The same failure, with what the caller knows about it added (the last good checkpoint).</summary>
    public TrainingDivergedException With(string detail) => new(What, Epoch, Batch, detail);

    /// <summary>What went non-finite (the loss, a weight).</summary>
    public string What { get; }
    /// <summary>The epoch it happened in, 1-based.</summary>
    public int Epoch { get; }
    /// <summary>The batch of that epoch, 0-based.</summary>
    public int Batch { get; }
}
