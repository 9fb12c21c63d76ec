using ILGPU.Runtime.CPU;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Bench;

/// <summary>
/// Which accelerator the benchmarks run on: <c>TRAINER_BENCH_DEVICE=cpu|cuda|opencl|auto</c>
/// (default auto: CUDA, then OpenCL, then ILGPU's CPU accelerator). BenchmarkDotNet runs every
/// case in this process (in-process toolchain), so the variable is read once per process.
/// </summary>
public static class BenchDevice
{
    public const string Variable = "TRAINER_BENCH_DEVICE";

    private static readonly Lazy<DeviceKind> requested = new(() =>
    {
        string text = Environment.GetEnvironmentVariable(Variable) ?? "auto";
        if (!DeviceKindNames.TryParse(text, out var kind))
            throw new ArgumentException($"{Variable} must be one of {DeviceKindNames.Choices}, got '{text}'");
        return kind;
    });

    private static readonly Lazy<DeviceKind> resolved = new(() =>
    {
        var present = DeviceCatalog.List();
        var kind = requested.Value;
        if (kind == DeviceKind.Auto)
            return present.FirstOrDefault(d => d.Kind == DeviceKind.Cuda)?.Kind
                ?? present.FirstOrDefault(d => d.Kind == DeviceKind.OpenCL)?.Kind
                ?? DeviceKind.Cpu;
        if (!present.Any(d => d.Kind == kind))
            throw new DeviceNotAvailableException(
                $"{Variable}={DeviceKindNames.Name(kind)}: device is not available (found: {string.Join(", ", present.Select(d => DeviceKindNames.Name(d.Kind)).Distinct())})");
        return kind;
    });

    /// <summary>The kind the benchmarks run on, with auto resolved.</summary>
    public static DeviceKind Kind => resolved.Value;

    public static bool IsCpu => Kind == DeviceKind.Cpu;

    /// <summary>The GEMM variants that run on <see cref="Kind"/>: register-blocked is CPU-only code.</summary>
    public static IEnumerable<GemmVariant> GemmVariants => IsCpu
        ? [GemmVariant.Naive, GemmVariant.RegisterBlocked, GemmVariant.Tiled]
        : [GemmVariant.Naive, GemmVariant.Tiled];

    /// <summary>
    /// Opens the device with a GEMM variant (null: the device's default). On the CPU accelerator
    /// this is <see cref="DeviceCatalog.FastCpuDevice"/> (one group of two threads, what the trainer
    /// uses), except for the tiled GEMM, which needs groups of 16x16 threads: <c>new CPUDevice(32, 8, 1)</c>.
    /// </summary>
    public static IKernelBackend Open(GemmVariant? variant = null)
    {
        if (IsCpu && variant == GemmVariant.Tiled)
            return DeviceCatalog.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled);
        return DeviceCatalog.Open(Kind, out _, variant);
    }

    /// <summary>One line naming the device, for the console before the run.</summary>
    public static string Describe()
    {
        using var backend = DeviceCatalog.Open(Kind, out var choice);
        return $"{choice}; default GEMM variant {backend.GemmVariant} ({Variable}={Environment.GetEnvironmentVariable(Variable) ?? "(unset: auto)"})";
    }
}
