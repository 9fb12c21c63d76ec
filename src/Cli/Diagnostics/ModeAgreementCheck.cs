using Trainer.Training.Hosting;
using Trainer.Training;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// The graph compiler's correctness bar on a given device: from the same seed and batches, graph
/// mode without fusion must reproduce eager mode's losses exactly (same kernels, same order), and
/// with fusion within 1e-4 relative.
/// </summary>
internal static class ModeAgreementCheck
{
    public const double FusedTolerance = 1e-4;

    public sealed record Result(string Name, double MaxRelativeDifference, double Tolerance, int Steps)
    {
        /// <summary>False when the difference is NaN (a non-finite loss in either mode).</summary>
        public bool Passed => MaxRelativeDifference <= Tolerance;
    }

    public static IReadOnlyList<Result> Run(DeviceRequest device, int steps = 20, ulong seed = 0)
    {
        var comparison = new ModeComparison(device, dataDirectory: null, batchSize: 64, seed);
        var eager = comparison.Measure(ExecutionMode.Eager, 0, steps);
        var unfused = comparison.Measure(ExecutionMode.Graph, 0, steps, fuse: false);
        var fused = comparison.Measure(ExecutionMode.Graph, 0, steps, fuse: true);
        return
        [
            new Result($"eager vs graph --no-fuse, {steps} steps (bit-identical)", LossDifference.MaxRelative(eager.Losses, unfused.Losses), 0, steps),
            new Result($"eager vs graph fused, {steps} steps", LossDifference.MaxRelative(eager.Losses, fused.Losses), FusedTolerance, steps),
        ];
    }
}
