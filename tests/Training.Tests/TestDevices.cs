using Trainer.Kernels.Device;

namespace Trainer.Training.Tests;

/// <summary>The devices every training-level agreement and cost test runs on: the native CPU backend and ILGPU's CPU accelerator (the GPU kernels).</summary>
public static class TestDevices
{
    public static IReadOnlyList<DeviceKind> All { get; } = [DeviceKind.Cpu, DeviceKind.IlgpuCpu];

    public static TheoryData<DeviceKind> AllKinds() => new(All);
}
