using ILGPU.Runtime.CPU;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests;

/// <summary>
/// The CPU backends the kernel tests run on, each created lazily (creating one compiles every
/// kernel and takes seconds) at most once per test class through <see cref="IClassFixture{T}"/>,
/// and disposed when the class is done. xunit runs the tests of one class one at a time, so a
/// backend is never used from two threads at once.
/// </summary>
public sealed class BackendFixture : IDisposable
{
    /// <summary>The trainer's CPU backend: groups of 2 threads, register-blocked GEMM.</summary>
    public const string Fast = "fast";

    /// <summary>Groups of 16 threads (4 per warp x 4 warps), register-blocked GEMM: exercises the one-group reductions with more threads.</summary>
    public const string Wide = "wide";

    /// <summary>Groups of 256 threads, the GPU's shared-memory tiled GEMM (16x16 threads per 64x64 tile). Barriers are slow here: keep sizes small.</summary>
    public const string Tiled = "tiled";

    /// <summary>The trainer's CPU device (groups of 2 threads) with the naive GEMM, opened through <see cref="DeviceCatalog.Open"/>'s variant parameter.</summary>
    public const string Naive = "naive";

    private readonly Lazy<IKernelBackend> fast = new(() => DeviceCatalog.Open(DeviceKind.Cpu, out _));
    private readonly Lazy<IKernelBackend> wide = new(() => DeviceCatalog.OpenCpu(new CPUDevice(4, 4, 1), GemmVariant.RegisterBlocked));
    private readonly Lazy<IKernelBackend> tiled = new(() => DeviceCatalog.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled));
    private readonly Lazy<IKernelBackend> naive = new(() => DeviceCatalog.Open(DeviceKind.Cpu, out _, GemmVariant.Naive));

    public IKernelBackend Get(string name) => name switch
    {
        Fast => fast.Value,
        Wide => wide.Value,
        Tiled => tiled.Value,
        Naive => naive.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test backend"),
    };

    public void Dispose()
    {
        foreach (var backend in new[] { fast, wide, tiled, naive })
            if (backend.IsValueCreated) backend.Value.Dispose();
    }
}
