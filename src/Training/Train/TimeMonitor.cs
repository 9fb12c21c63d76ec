using System.Diagnostics;
using System.Globalization;

namespace Trainer.Training.Train;

/// <summary>
/// Times each epoch (MindSpore's <c>TimeMonitor</c>): at its end writes
/// <c>epoch N: 3.21 s (train 2.90 s, 2759 samples/s)</c>, the whole epoch with its evaluation, the training steps
/// alone (the device synchronised), and the rows trained per second of those.
/// </summary>
/// <param name="log">Where the line goes.</param>
public sealed class TimeMonitor(TextWriter log) : Callback
{
    private readonly Stopwatch clock = new();

    /// <inheritdoc />
    public override void OnEpochBegin(RunContext context) => clock.Restart();

    /// <inheritdoc />
    public override void OnEpochEnd(RunContext context) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {context.Epoch + 1}: {clock.Elapsed.TotalSeconds:F2} s (train {context.TrainSeconds:F2} s, {context.EpochRows / context.TrainSeconds:F0} samples/s)"));
}
