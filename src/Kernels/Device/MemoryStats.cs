namespace Trainer.Kernels.Device;

/// <summary>Device allocation counters, kept by the backend so per-step allocation can be measured.</summary>
public sealed class MemoryStats
{
    public long AllocatedBytesTotal { get; private set; }
    public long Allocations { get; private set; }
    public long LiveBytes { get; private set; }
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
