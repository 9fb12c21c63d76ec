using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
namespace Trainer.Cli.Diagnostics;

/// <summary>What one execution mode cost over the measured steps of a comparison.</summary>
public sealed record ModeMeasurement
{
    /// <summary>The mode measured.</summary>
    public required ExecutionMode Mode { get; init; }
    /// <summary>Tracing and compiling (graph mode); zero for eager, which compiles nothing.</summary>
    public required double CompileMs { get; init; }
    /// <summary>Median step time, milliseconds.</summary>
    public required double StepMsMedian { get; init; }
    /// <summary>10th percentile of the step time, milliseconds.</summary>
    public required double StepMsP10 { get; init; }
    /// <summary>90th percentile of the step time, milliseconds.</summary>
    public required double StepMsP90 { get; init; }
    /// <summary>Steps per second over the measured steps.</summary>
    public required double StepsPerSecond { get; init; }
    /// <summary>Training samples per second over the measured steps.</summary>
    public required double SamplesPerSecond { get; init; }
    /// <summary>Kernel launches per step.</summary>
    public required double LaunchesPerStep { get; init; }
    /// <summary>Bytes a step asks the device allocator for (eager: every op's output, served by its cache).</summary>
    public required double DeviceBytesPerStep { get; init; }
    /// <summary>Bytes a step gets from the device driver itself (fresh allocations, cache misses).</summary>
    public required double FreshDeviceBytesPerStep { get; init; }
    /// <summary>Managed bytes allocated per measured step.</summary>
    public required double ManagedBytesPerStep { get; init; }
    /// <summary>Host-to-device copies inside the step call (<see cref="Kernels.Device.IKernelBackend.UploadCount"/>).</summary>
    public required double UploadsPerStep { get; init; }
    /// <summary>Device-to-host copies inside the step call (<see cref="Kernels.Device.IKernelBackend.DownloadCount"/>).</summary>
    public required double DownloadsPerStep { get; init; }
    /// <summary>Times the step call made the host wait for the device (<see cref="Kernels.Device.IKernelBackend.SyncCount"/>); the harness's own waits around it are not counted.</summary>
    public required double SyncsPerStep { get; init; }
    /// <summary>The most device memory live at once during the measured steps, bytes.</summary>
    public required long PeakDeviceBytes { get; init; }
    /// <summary>Accuracy on the test set after the run, 0 to 1.</summary>
    public required double TestAccuracy { get; init; }
    /// <summary>Every step's loss, warm-up steps first.</summary>
    public required float[] Losses { get; init; }

    /// <summary>The index in <see cref="Losses"/> of the first NaN or infinite loss, or null when every loss is finite.</summary>
    public int? FirstNonFiniteStep => Array.FindIndex(Losses, l => !float.IsFinite(l)) is var i and >= 0 ? i : null;
}
