using ILGPU.Runtime.CPU;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Bench;

/// <summary>
/// Which device the benchmarks run on: <c>TRAINER_BENCH_DEVICE=auto|cuda|opencl|cpu|ilgpu-cpu</c>
/// (default auto: CUDA, then OpenCL, then the native CPU backend). The ILGPU GEMM variants
/// (<see cref="GemmBenchmarks"/>) run on <see cref="IlgpuKind"/>: the device itself when it is an
/// ILGPU one, else ILGPU's CPU accelerator. BenchmarkDotNet runs every case in this process
/// (in-process toolchain), so the variable is read once per process.
/// </summary>
public static class BenchDevice
{
    public const string Variable = "TRAINER_BENCH_DEVICE";

    private static readonly Lazy<DeviceKind> resolved = new(() =>
    {
        string text = Environment.GetEnvironmentVariable(Variable) ?? "auto";
        if (!DeviceKindNames.TryParse(text, out var kind))
            throw new ArgumentException($"{Variable} must be one of {DeviceKindNames.Choices}, got '{text}'");
        var present = DeviceCatalog.List();
        if (kind == DeviceKind.Auto)
            return DeviceCatalog.AutoOrder.First(k => present.Any(d => d.Kind == k));
        if (!present.Any(d => d.Kind == kind))
            throw new DeviceNotAvailableException(
                $"{Variable}={DeviceKindNames.Name(kind)}: device is not available (found: {string.Join(", ", present.Select(d => DeviceKindNames.Name(d.Kind)).Distinct())})");
        return kind;
    });

    /// <summary>The kind the benchmarks run on, with auto resolved.</summary>
    public static DeviceKind Kind => resolved.Value;

    /// <summary>Where the ILGPU GEMM variants run: the device when it is an ILGPU one, else ILGPU's CPU accelerator.</summary>
    public static DeviceKind IlgpuKind => Kind == DeviceKind.Cpu ? DeviceKind.IlgpuCpu : Kind;

    /// <summary>True when the ILGPU variants run on ILGPU's CPU accelerator (slow barriers, register-blocked available).</summary>
    public static bool IlgpuIsCpu => IlgpuKind == DeviceKind.IlgpuCpu;

    /// <summary>The ILGPU GEMM variants that run on <see cref="IlgpuKind"/>: register-blocked is CPU-only code.</summary>
    public static IEnumerable<GemmVariant> GemmVariants => IlgpuIsCpu
        ? [GemmVariant.Naive, GemmVariant.RegisterBlocked, GemmVariant.Tiled]
        : [GemmVariant.Naive, GemmVariant.Tiled];

    /// <summary>Opens <see cref="Kind"/> as the trainer would.</summary>
    public static IKernelBackend Open() => DeviceCatalog.Open(Kind, out _);

    /// <summary>
    /// Opens <see cref="IlgpuKind"/> with a GEMM variant. On the CPU accelerator this is
    /// <see cref="IlgpuProvider.FastCpuDevice"/> (one group of two threads, what the trainer uses),
    /// except for the tiled GEMM, which needs groups of 16x16 threads: <c>new CPUDevice(32, 8, 1)</c>.
    /// </summary>
    public static IKernelBackend OpenIlgpu(GemmVariant variant) =>
        IlgpuIsCpu && variant == GemmVariant.Tiled
            ? IlgpuProvider.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled)
            : IlgpuProvider.Open(IlgpuKind, variant);

    /// <summary>One line naming the device, for the console before the run.</summary>
    public static string Describe()
    {
        using var backend = DeviceCatalog.Open(Kind, out var choice);
        return $"{choice}; GEMM: {backend.GemmKernel}; ILGPU GEMM variants on {DeviceKindNames.Name(IlgpuKind)} " +
               $"({Variable}={Environment.GetEnvironmentVariable(Variable) ?? "(unset: auto)"})";
    }
}
