using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The ILGPU backends: CUDA, OpenCL, and ILGPU's CPU accelerator (<see cref="DeviceKind.IlgpuCpu"/>),
/// which runs the GPU kernels, tiled GEMM and barriers included, on the CPU so that they are
/// tested without a GPU.
/// </summary>
public sealed class IlgpuProvider : IBackendProvider
{
    /// <summary>
    /// The CPU accelerator the trainer uses: one group of two threads. ILGPU's default CPU device
    /// simulates 16 threads and pays about 0.4 ms per launch; two threads cost about 0.06 ms and
    /// still use both cores of a small machine.
    /// </summary>
    internal static CPUDevice FastCpuDevice { get; } = new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);

    private static readonly Lazy<IReadOnlyList<DeviceDescription>> Present = new(() =>
    {
        using var context = CreateContext(FastCpuDevice, includeGpus: true);
        return context.Devices.Select(Describe).ToList();
    });

    /// <inheritdoc/>
    public IReadOnlyList<DeviceKind> Kinds { get; } = [DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.IlgpuCpu];

    /// <inheritdoc/>
    public IReadOnlyList<DeviceDescription> Discover() => Present.Value;

    /// <inheritdoc/>
    public IKernelBackend Open(DeviceKind kind, DeviceOptions options) => Open(kind, variant: null, options.Ordinal);

    /// <summary>OpenCL devices that ILGPU skips, each with why; nothing for the other kinds.</summary>
    public IReadOnlyList<string> Unusable(DeviceKind kind) => kind == DeviceKind.OpenCL ? UnusableOpenCl.Value : [];

    /// <summary>
    /// ILGPU's OpenCL backend needs OpenCL C 2.0 or later and the generic address space; its default
    /// device filter drops other devices without a word (NVIDIA's OpenCL, for one, has no generic
    /// address space, and PoCL's CPU device neither), so a user asking for <c>--device opencl</c>
    /// would see only "not available". This lists them with the reason.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<string>> UnusableOpenCl = new(() =>
    {
        NativeDriverResolver.Install();
        try
        {
            return CLDevice.GetDevices(d => !IsUsable(d)).Cast<CLDevice>()
                .Select(d => $"OpenCL device '{d.Name}' ({d.PlatformName}) is present but cannot run ILGPU's kernels: " +
                    (d.CLStdVersion < CLBackend.MinimumVersion
                        ? $"it offers OpenCL C {d.CLStdVersion.Major}.{d.CLStdVersion.Minor} and ILGPU needs {CLBackend.MinimumVersion.Major}.{CLBackend.MinimumVersion.Minor}"
                        : "it lacks the generic address space ILGPU needs"))
                .ToList();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CLException)
        {
            return [];
        }
    });

    /// <summary>ILGPU's own test for an OpenCL device (<c>Context.Builder.OpenCL()</c>).</summary>
    private static bool IsUsable(CLDevice device) => device.CLStdVersion >= CLBackend.MinimumVersion && device.Capabilities.GenericAddressSpace;

    private static Context CreateContext(CPUDevice cpu, bool includeGpus)
    {
        NativeDriverResolver.Install();
        return Context.Create(builder =>
        {
            ConfigureCompiler(builder.CPU(cpu));
            if (!includeGpus) return;
            try { builder.Cuda(); } catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException) { }
            try { builder.OpenCL(IsUsable); } catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CLException) { }
        });
    }

    /// <summary>
    /// How every context of this backend compiles kernels; the offline compile tests build their
    /// device-less context with the same settings, so the code they inspect is the code a GPU gets.
    /// ILGPU's PTX backend has no code of its own for <see cref="MathF.Exp"/> and <see cref="MathF.Log(float)"/>
    /// (the softmax cross-entropy kernels use both): ILGPU.Algorithms supplies them (ex2/lg2-based, as
    /// CUDA's fast <c>__expf</c>/<c>__logf</c>); without them those kernels fail to compile and a CUDA
    /// device cannot be opened. OpenCL C and the CPU accelerator, which runs the .NET methods, keep
    /// their own exp and log.
    /// </summary>
    internal static Context.Builder ConfigureCompiler(Context.Builder builder) => builder.Optimize(OptimizationLevel.O2).EnableAlgorithms();

    private static DeviceKind KindOf(ILGPU.Runtime.Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => DeviceKind.Cuda,
        AcceleratorType.OpenCL => DeviceKind.OpenCL,
        _ => DeviceKind.IlgpuCpu,
    };

    private static DeviceDescription Describe(ILGPU.Runtime.Device device)
    {
        var kind = KindOf(device);
        long memory = kind == DeviceKind.IlgpuCpu ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : device.MemorySize;
        string name = kind == DeviceKind.IlgpuCpu ? $"ILGPU CPU accelerator, emulating a GPU ({Environment.ProcessorCount} cores)" : device.Name;
        return new DeviceDescription(kind, name, memory, device.WarpSize, device.MaxNumThreadsPerGroup, device.NumMultiprocessors);
    }

    /// <summary>
    /// Opens a CUDA, OpenCL or ILGPU CPU device with a chosen GEMM kernel; null means the device's
    /// default (<see cref="GemmVariant.RegisterBlocked"/> on the CPU accelerator,
    /// <see cref="GemmVariant.Tiled"/> on GPUs). <see cref="GemmVariant.RegisterBlocked"/> on a GPU is
    /// an <see cref="ArgumentException"/>.
    /// </summary>
    public static IlgpuBackend Open(DeviceKind kind, GemmVariant? variant) => Open(kind, variant, ordinal: 0);

    /// <summary>As <see cref="Open(DeviceKind, GemmVariant?)"/>, opening device <paramref name="ordinal"/> modulo the number of devices of the kind.</summary>
    public static IlgpuBackend Open(DeviceKind kind, GemmVariant? variant, int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        if (variant is { } v && !Enum.IsDefined(v))
            throw new ArgumentOutOfRangeException(nameof(variant), v, "unknown GEMM variant");
        if (kind is not (DeviceKind.Cuda or DeviceKind.OpenCL or DeviceKind.IlgpuCpu))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "ILGPU opens cuda, opencl and ilgpu-cpu");
        var context = CreateContext(FastCpuDevice, includeGpus: kind != DeviceKind.IlgpuCpu);
        try
        {
            var ofKind = context.Devices.Where(d => KindOf(d) == kind).ToList();
            if (ofKind.Count == 0) throw new DeviceNotAvailableException($"device '{DeviceKindNames.Name(kind)}' is not available");
            var chosen = ofKind[ordinal % ofKind.Count];
            if (variant == GemmVariant.RegisterBlocked && kind != DeviceKind.IlgpuCpu)
                throw new ArgumentException(
                    $"the register-blocked GEMM runs only on the CPU accelerator, not on {DeviceKindNames.Name(kind)} " +
                    $"({chosen.Name}); use {nameof(GemmVariant.Tiled)} or {nameof(GemmVariant.Naive)} there",
                    nameof(variant));
            int tileGroup = GemmTiling.MaxGroupSize;
            if (variant == GemmVariant.Tiled && chosen.MaxNumThreadsPerGroup < tileGroup)
                throw new ArgumentException(
                    $"the tiled GEMM needs groups of {tileGroup} threads and {Describe(chosen).Name} has at most {chosen.MaxNumThreadsPerGroup}" +
                    (kind == DeviceKind.IlgpuCpu ? $"; open a wider CPU device with {nameof(IlgpuProvider)}.{nameof(OpenCpu)}(new CPUDevice(32, 8, 1), {nameof(GemmVariant)}.{nameof(GemmVariant.Tiled)})" : ""),
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
    internal static IlgpuBackend OpenCpu(CPUDevice device, GemmVariant gemmVariant)
    {
        var context = CreateContext(device, includeGpus: false);
        try
        {
            var chosen = context.Devices.First(d => d.AcceleratorType == AcceleratorType.CPU);
            return new IlgpuBackend(context, chosen.CreateAccelerator(context), Describe(chosen), gemmVariant);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }
}
