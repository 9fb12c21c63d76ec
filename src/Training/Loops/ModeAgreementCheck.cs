using Trainer.Training.Hosting;

namespace Trainer.Training.Loops;

/// <summary>
/// The graph compiler's correctness bar on a given device: from the same seed and batches, graph
/// mode without fusion must reproduce eager mode's losses exactly (same kernels, same order), and
/// with fusion within 1e-4 relative.
/// </summary>
public static class ModeAgreementCheck
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
            new Result($"eager vs graph --no-fuse, {steps} steps (bit-identical)", MaxRelative(eager.Losses, unfused.Losses), 0, steps),
            new Result($"eager vs graph fused, {steps} steps", MaxRelative(eager.Losses, fused.Losses), FusedTolerance, steps),
        ];
    }

    /// <summary>
    /// The largest |e - a| / max(|e|, 1e-30), step by step (over the shorter run); NaN, which fails every
    /// tolerance, when either loss is NaN or infinite at any step: a plain Max over the differences
    /// would skip NaN and let a diverged run pass.
    /// </summary>
    public static double MaxRelative(float[] expected, float[] actual)
    {
        double max = 0;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            double e = expected[i], a = actual[i];
            if (!double.IsFinite(e) || !double.IsFinite(a)) return double.NaN;
            max = Math.Max(max, Math.Abs(e - a) / Math.Max(Math.Abs(e), 1e-30));
        }
        return max;
    }
}
