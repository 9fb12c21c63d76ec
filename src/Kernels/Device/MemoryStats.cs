namespace Trainer.Kernels.Device;

/// <summary>Device allocation counters, kept by the backend so per-step allocation can be measured.</summary>
public sealed class MemoryStats
{
    /// <summary>Bytes allocated since the backend opened, freed ones included.</summary>
    public long AllocatedBytesTotal { get; private set; }
    /// <summary>Allocations since the backend opened.</summary>
    public long Allocations { get; private set; }
    /// <summary>Bytes allocated and not yet freed.</summary>
    public long LiveBytes { get; private set; }
    /// <summary>The most bytes live at once since the backend opened or <see cref="ResetPeak"/>.</summary>
    public long PeakLiveBytes { get; private set; }

    internal void OnAllocate(long bytes)
    {
        AllocatedBytesTotal += bytes;
        Allocations++;
        LiveBytes += bytes;
        PeakLiveBytes = Math.Max(PeakLiveBytes, LiveBytes);
    }

    internal void OnFree(long bytes) => LiveBytes -= bytes;

    /// <summary>Starts peak tracking afresh from what is live now.</summary>
    public void ResetPeak() => PeakLiveBytes = LiveBytes;
}
