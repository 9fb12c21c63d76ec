using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The fence where no event query can be had (a CUDA or OpenCL driver whose events cannot be used):
/// a copy counts as finished once the backend has synchronised after it was queued, since a
/// synchronisation drains the stream. Between synchronisations it answers "not done".
/// </summary>
internal sealed class SyncCountFence(Func<long> syncCount) : ICopyFence
{
    private long recordedAt = -1;

    public void Record() => recordedAt = syncCount();

    public bool IsDone() => recordedAt < 0 || syncCount() != recordedAt;

    public void Dispose() { }
}
