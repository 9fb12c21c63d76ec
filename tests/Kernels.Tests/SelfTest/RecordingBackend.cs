using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests.SelfTest;

/// <summary>Forwards everything to another backend and counts the launches of each kernel, by name.</summary>
internal sealed class RecordingBackend(IKernelBackend inner) : DelegatingBackend(inner)
{
    public Dictionary<string, int> Launches { get; } = new(StringComparer.Ordinal);

    protected override void Called(string kernel) => Launches[kernel] = Launches.GetValueOrDefault(kernel) + 1;
}
