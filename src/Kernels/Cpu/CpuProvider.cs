using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>The native CPU backend: present on every machine.</summary>
public sealed class CpuProvider : IBackendProvider
{
    /// <inheritdoc/>
    public IReadOnlyList<DeviceKind> Kinds { get; } = [DeviceKind.Cpu];

    /// <inheritdoc/>
    public IReadOnlyList<DeviceDescription> Discover() => [CpuBackend.Describe(Environment.ProcessorCount)];

    /// <inheritdoc/>
    public IKernelBackend Open(DeviceKind kind, DeviceOptions options) =>
        kind == DeviceKind.Cpu
            ? new CpuBackend(options.Threads)
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "the native provider opens only cpu");
}
