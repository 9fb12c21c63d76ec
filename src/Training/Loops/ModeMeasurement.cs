namespace Trainer.Training.Loops;

/// <summary>What one execution mode cost over the measured steps of a comparison.</summary>
public sealed record ModeMeasurement
{
    public required ExecutionMode Mode { get; init; }
    /// <summary>Tracing and compiling (graph mode); zero for eager, which compiles nothing.</summary>
    public required double CompileMs { get; init; }
    public required double StepMsMedian { get; init; }
    public required double StepMsP10 { get; init; }
    public required double StepMsP90 { get; init; }
    public required double StepsPerSecond { get; init; }
    public required double SamplesPerSecond { get; init; }
    public required double LaunchesPerStep { get; init; }
    /// <summary>Bytes a step asks the device allocator for (eager: every op's output, served by its cache).</summary>
    public required double DeviceBytesPerStep { get; init; }
    /// <summary>Bytes a step gets from the device driver itself (fresh allocations, cache misses).</summary>
    public required double FreshDeviceBytesPerStep { get; init; }
    public required double ManagedBytesPerStep { get; init; }
    public required long PeakDeviceBytes { get; init; }
    public required double TestAccuracy { get; init; }
    public required float[] Losses { get; init; }
}
