using Trainer.Kernels.Device;
using Trainer.Training.Hosting;
using Trainer.Training;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// `trainer selftest`'s check of whole-step replay on CUDA: the fused train step trained a few steps
/// with direct launches and again, from the same seed and batches, captured as a CUDA graph on its
/// first step and replayed after, must give the same losses and test accuracy bit for bit (the
/// graph holds the same kernels with the same arguments, so nothing may differ). A capture that
/// fell back to direct launches fails the check, naming why: otherwise it would compare direct
/// launches with themselves. Only CUDA devices have CUDA graphs; elsewhere the check is skipped.
/// </summary>
internal static class CudaGraphReplayCheck
{
    public const string Name = "cuda graph replay vs direct launches";

    public sealed record Result(bool Passed, string Line);

    /// <summary>Null when <paramref name="opened"/> (the kind the device request resolved to) has no CUDA graphs.</summary>
    public static Result? Run(DeviceRequest device, DeviceKind opened, int steps = 3, ulong seed = 0)
    {
        if (opened != DeviceKind.Cuda) return null;
        var warnings = new StringWriter();
        var comparison = new ModeComparison(device, dataDirectory: null, batchSize: 64, seed, warnings: warnings);
        var direct = comparison.Measure(ExecutionMode.Graph, 0, steps, cudaGraph: false);
        var replayed = comparison.Measure(ExecutionMode.Graph, 0, steps, cudaGraph: true);
        string title = $"{Name}, {steps} steps (bit-identical)";
        if (warnings.ToString().Trim() is { Length: > 0 } fellBack)
            return new Result(false, $"FAIL {title}   (the capture fell back: {fellBack})");
        int differing = LossDifference.FirstBitDifference(direct.Losses, replayed.Losses);
        if (differing >= 0)
            return new Result(false, $"FAIL {title}   (step {differing + 1}: loss {direct.Losses[differing]:R} direct, {replayed.Losses[differing]:R} replayed)");
        if (BitConverter.DoubleToInt64Bits(direct.TestAccuracy) != BitConverter.DoubleToInt64Bits(replayed.TestAccuracy))
            return new Result(false, $"FAIL {title}   (test accuracy {direct.TestAccuracy:R} direct, {replayed.TestAccuracy:R} replayed)");
        return new Result(true, $"ok   {title}");
    }
}
