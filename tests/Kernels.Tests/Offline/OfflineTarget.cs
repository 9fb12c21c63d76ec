using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// A GPU that ILGPU compiles for with no device present, and the launch limits a kernel must fit.
/// </summary>
public sealed class OfflineTarget
{
    private readonly Func<Context, Backend> create;

    private OfflineTarget(string name, bool isPtx, int maxGroupSize, int maxSharedBytes, Func<Context, Backend> create, string buildOptions = "")
    {
        Name = name;
        BuildOptions = buildOptions;
        IsPtx = isPtx;
        MaxGroupSize = maxGroupSize;
        MaxSharedBytes = maxSharedBytes;
        this.create = create;
    }

    public string Name { get; }

    /// <summary>Whether the target's code is PTX (CUDA) rather than OpenCL C.</summary>
    public bool IsPtx { get; }

    /// <summary>OpenCL: the options ILGPU's accelerator builds the program with (<c>-cl-std=CL2.0</c>); empty for PTX.</summary>
    public string BuildOptions { get; }

    /// <summary>The most threads one group may have on every device of this target.</summary>
    public int MaxGroupSize { get; }

    /// <summary>The most shared (OpenCL: local) memory one group may use, static plus dynamic, in bytes.</summary>
    public int MaxSharedBytes { get; }

    internal Backend CreateBackend(Context context) => create(context);

    public override string ToString() => Name;

    /// <summary>
    /// CUDA: 1024 threads per block and 48 KB of static shared memory per block on sm_70 to sm_90
    /// (more needs a dynamic allocation and an opt-in attribute, which the backend does not set).
    /// The PTX ISA is the oldest that supports the architecture (ILGPU's own table: 6.0 for sm_70,
    /// 7.0 for sm_80, 7.8 for sm_90), so the PTX also loads on the oldest driver for that GPU.
    /// </summary>
    private static OfflineTarget Cuda(CudaArchitecture architecture)
    {
        var isa = CudaAccelerator.GetInstructionSet(architecture, CudaDriverVersionUtils.GetMinimumDriverVersion(architecture));
        return new($"cuda-{architecture.ToString().ToLowerInvariant()}-ptx{isa}", true, 1024, 48 * 1024,
            context => new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, isa, nvvmAPI: null));
    }

    /// <summary>
    /// OpenCL with no optional capability (no fp64, fp16, 64-bit atomics, generic address space or
    /// sub-groups), so a stray double fails to compile. Limits: 32 KB of local memory, the least
    /// OpenCL 1.2 to 3.0 guarantee a non-custom device; 256 work-items per group, which is less than
    /// the spec's guarantee (one) but what nearly every GPU offers (AMD, Intel and Mali report 256 or
    /// more, NVIDIA 1024) and exactly what the tiled GEMM needs: <see cref="Trainer.Kernels.Ilgpu.IlgpuProvider"/>
    /// refuses the tiled GEMM on a smaller device, and the one-group reductions shrink to the device's size.
    /// </summary>
    private static OfflineTarget OpenCL(CLCVersion version) =>
        new($"opencl-{version.ToString().ToLowerInvariant()}", false, 256, 32 * 1024,
            context => new CLBackend(context,
                new CLCapabilityContext(false, false, false, false, false),
                CLDeviceVendor.Other, version),
            "-cl-std=" + version);

    public static IReadOnlyList<OfflineTarget> All { get; } =
    [
        Cuda(CudaArchitecture.SM_70),
        Cuda(CudaArchitecture.SM_80),
        Cuda(CudaArchitecture.SM_90),
        OpenCL(CLCVersion.CL20),
        OpenCL(CLCVersion.CL30),
    ];

    public static OfflineTarget Named(string name) => All.Single(t => t.Name == name);
}
