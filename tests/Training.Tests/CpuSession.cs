using Trainer.Kernels.Device;

namespace Trainer.Training.Tests;

/// <summary>A session on the fast CPU accelerator; creating one compiles every kernel, so tests share it per class.</summary>
public sealed class CpuSession : IDisposable
{
    public Session Session { get; } = Session.Open(DeviceKind.Cpu);

    public void Dispose() => Session.Dispose();
}
