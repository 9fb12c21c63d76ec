using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Trainer.Kernels.Device;

/// <summary>
/// Finds the accelerators ILGPU can use and opens one. Never falls back silently: asking for a
/// kind that is not present is an error that names what was found.
/// </summary>
public static class DeviceCatalog
{
    /// <summary>
    /// The CPU accelerator the trainer uses: one group of two threads. ILGPU's default CPU device
    /// simulates 16 threads and pays about 0.4 ms per launch; two threads cost about 0.06 ms and
    /// still use both cores of a small machine.
    /// </summary>
    public static CPUDevice FastCpuDevice { get; } = new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);

    private static Context CreateContext(CPUDevice cpu, bool includeGpus)
    {
        NativeDriverResolver.Install();
        return Context.Create(builder =>
        {
            builder.CPU(cpu).Optimize(OptimizationLevel.O2);
            if (!includeGpus) return;
            try { builder.Cuda(); } catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException) { }
            try { builder.OpenCL(); } catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CLException) { }
        });
    }

    private static DeviceKind KindOf(ILGPU.Runtime.Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => DeviceKind.Cuda,
        AcceleratorType.OpenCL => DeviceKind.OpenCL,
        _ => DeviceKind.Cpu,
    };

    private static DeviceDescription Describe(ILGPU.Runtime.Device device)
    {
        var kind = KindOf(device);
        long memory = kind == DeviceKind.Cpu ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : device.MemorySize;
        string name = kind == DeviceKind.Cpu ? $"ILGPU CPU accelerator ({Environment.ProcessorCount} cores)" : device.Name;
        return new DeviceDescription(kind, name, memory, device.WarpSize, device.MaxNumThreadsPerGroup, device.NumMultiprocessors);
    }

    /// <summary>Every accelerator present, GPUs first, the CPU accelerator last.</summary>
    public static IReadOnlyList<DeviceDescription> List()
    {
        using var context = CreateContext(FastCpuDevice, includeGpus: true);
        return context.Devices.Select(Describe).OrderBy(d => d.Kind == DeviceKind.Cpu ? 1 : 0).ToList();
    }

    /// <summary>
    /// Opens the requested kind. For <see cref="DeviceKind.Auto"/> picks CUDA, then OpenCL, then
    /// the CPU; <paramref name="choice"/> says in one line what was chosen and why.
    /// <paramref name="variant"/> picks the GEMM kernel; null means the device's default
    /// (<see cref="GemmVariant.RegisterBlocked"/> on the CPU accelerator, <see cref="GemmVariant.Tiled"/>
    /// on GPUs). <see cref="GemmVariant.RegisterBlocked"/> on a GPU is an <see cref="ArgumentException"/>.
    /// </summary>
    public static IKernelBackend Open(DeviceKind requested, out string choice, GemmVariant? variant = null)
    {
        if (variant is { } v && !Enum.IsDefined(v))
            throw new ArgumentOutOfRangeException(nameof(variant), v, "unknown GEMM variant");
        var context = CreateContext(FastCpuDevice, includeGpus: requested != DeviceKind.Cpu);
        try
        {
            var devices = context.Devices.ToList();
            ILGPU.Runtime.Device? chosen;
            if (requested == DeviceKind.Auto)
            {
                chosen = devices.FirstOrDefault(d => KindOf(d) == DeviceKind.Cuda)
                    ?? devices.FirstOrDefault(d => KindOf(d) == DeviceKind.OpenCL)
                    ?? devices.First(d => KindOf(d) == DeviceKind.Cpu);
                var kind = KindOf(chosen);
                string why = kind switch
                {
                    DeviceKind.Cuda => "CUDA is present",
                    DeviceKind.OpenCL => "no CUDA device, OpenCL is present",
                    _ => "no CUDA or OpenCL device found",
                };
                choice = $"device: {DeviceKindNames.Name(kind)} ({Describe(chosen).Name}), chosen by --device auto: {why}";
            }
            else
            {
                chosen = devices.FirstOrDefault(d => KindOf(d) == requested);
                if (chosen is null)
                {
                    string found = string.Join(", ", devices.Select(d => DeviceKindNames.Name(KindOf(d))).Distinct());
                    if (requested != DeviceKind.Cpu && !devices.Any(d => KindOf(d) != DeviceKind.Cpu))
                        found = "cpu";
                    throw new DeviceNotAvailableException(
                        $"device '{DeviceKindNames.Name(requested)}' is not available (found: {found})");
                }
                choice = $"device: {DeviceKindNames.Name(requested)} ({Describe(chosen).Name})";
            }
            if (variant == GemmVariant.RegisterBlocked && KindOf(chosen) != DeviceKind.Cpu)
                throw new ArgumentException(
                    $"the register-blocked GEMM runs only on the CPU accelerator, not on {DeviceKindNames.Name(KindOf(chosen))} " +
                    $"({chosen.Name}); use {nameof(GemmVariant.Tiled)} or {nameof(GemmVariant.Naive)} there",
                    nameof(variant));
            int tileGroup = Ops.Gemm.TileThreads * Ops.Gemm.TileThreads;
            if (variant == GemmVariant.Tiled && chosen.MaxNumThreadsPerGroup < tileGroup)
                throw new ArgumentException(
                    $"the tiled GEMM needs groups of {tileGroup} threads and {Describe(chosen).Name} has at most {chosen.MaxNumThreadsPerGroup}" +
                    (KindOf(chosen) == DeviceKind.Cpu ? $"; open a wider CPU device with {nameof(DeviceCatalog)}.{nameof(OpenCpu)}(new CPUDevice(32, 8, 1), {nameof(GemmVariant)}.{nameof(GemmVariant.Tiled)})" : ""),
                    nameof(variant));
            return new IlgpuBackend(context, chosen.CreateAccelerator(context), Describe(chosen), variant);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A CPU accelerator with a chosen group shape and GEMM variant, for tests: the tiled GEMM
    /// needs groups of 256 threads, which the fast CPU device does not have.
    /// </summary>
    public static IKernelBackend OpenCpu(CPUDevice device, GemmVariant gemmVariant)
    {
        var context = CreateContext(device, includeGpus: false);
        var chosen = context.Devices.First(d => d.AcceleratorType == AcceleratorType.CPU);
        return new IlgpuBackend(context, chosen.CreateAccelerator(context), Describe(chosen), gemmVariant);
    }
}
