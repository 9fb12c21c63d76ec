using ILGPU.Runtime.CPU;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests;

/// <summary>
/// The backends every kernel test runs on, in one list (<see cref="All"/>), each created lazily
/// (creating an ILGPU one compiles every kernel and takes seconds) at most once per test class
/// through <see cref="IClassFixture{T}"/>, and disposed when the class is done. xunit runs the
/// tests of one class one at a time, so a backend is never used from two threads at once.
/// </summary>
public sealed class BackendFixture : IDisposable
{
    /// <summary>The native CPU backend (plain C# SIMD) with two worker threads.</summary>
    public const string Native = "cpu";

    /// <summary>The native CPU backend on one thread: its results must equal <see cref="Native"/>'s bit for bit.</summary>
    public const string NativeOneThread = "cpu-1-thread";

    /// <summary>The native CPU backend with three workers on this machine's cores: again the same bits.</summary>
    public const string NativeThreeThreads = "cpu-3-threads";

    /// <summary>ILGPU's CPU accelerator as `--device ilgpu-cpu` opens it: groups of 2 threads, register-blocked GEMM.</summary>
    public const string Fast = "ilgpu-cpu";

    /// <summary>ILGPU, groups of 16 threads (4 per warp x 4 warps), register-blocked GEMM: exercises the one-group reductions with more threads.</summary>
    public const string Wide = "ilgpu-cpu-wide";

    /// <summary>ILGPU, groups of 256 threads, the GPU's shared-memory tiled GEMM (16x16 threads per 64x64 tile). Barriers are slow here: keep sizes small.</summary>
    public const string Tiled = "ilgpu-cpu-tiled";

    /// <summary>
    /// <see cref="Tiled"/>, planning its tiles and K-splits for a 132-multiprocessor GPU (an H100 or
    /// H200) rather than for the CPU accelerator's one: 32x32 tiles and split-K at the MLP's shapes.
    /// Groups of at most 64 threads, which is what 32x32 tiles use, so the emulation costs half what
    /// 256-thread groups would; a shape that plans 64x64 tiles (256 threads) does not run here.
    /// </summary>
    public const string TiledGpuPlan = "ilgpu-cpu-tiled-132";

    /// <summary>ILGPU's CPU accelerator (groups of 2 threads) with the naive GEMM.</summary>
    public const string Naive = "ilgpu-cpu-naive";

    /// <summary>
    /// ILGPU's OpenCL backend on PoCL's CPU device (<see cref="OpenCl.PoclBackend"/>), tiled GEMM as on
    /// a GPU: the OpenCL runtime path end to end. In the lists only where PoCL is installed.
    /// </summary>
    public const string OpenClPocl = "opencl-pocl";

    private static readonly string[] WithOpenCl = OpenCl.PoclBackend.WhyUnavailable is null ? [OpenClPocl] : [];

    /// <summary>Every backend the kernel tests run on, for kernels other than GEMM.</summary>
    public static IReadOnlyList<string> All { get; } = [Native, Fast, Wide, .. WithOpenCl];

    /// <summary>Every GEMM kernel that runs the full GEMM test list: native, register-blocked, naive, and OpenCL's tiled one where PoCL is installed. The tiled one on the CPU accelerator runs its own, smaller list.</summary>
    public static IReadOnlyList<string> GemmBackends { get; } = [Native, Fast, Naive, .. WithOpenCl];

    public static TheoryData<string> AllNames() => new(All);

    public static TheoryData<string> GemmBackendNames() => new(GemmBackends);

    private readonly Dictionary<string, Lazy<IKernelBackend>> backends = new()
    {
        [Native] = new(() => new CpuBackend(threads: 2)),
        [NativeOneThread] = new(() => new CpuBackend(threads: 1)),
        [NativeThreeThreads] = new(() => new CpuBackend(threads: 3)),
        [Fast] = new(() => IlgpuProvider.Open(DeviceKind.IlgpuCpu, variant: null)),
        [Wide] = new(() => IlgpuProvider.OpenCpu(new CPUDevice(4, 4, 1), GemmVariant.RegisterBlocked)),
        [Tiled] = new(() => IlgpuProvider.OpenCpu(new CPUDevice(32, 8, 1), GemmVariant.Tiled)),
        [TiledGpuPlan] = new(() =>
        {
            var backend = IlgpuProvider.OpenCpu(new CPUDevice(16, 4, 1), GemmVariant.Tiled);
            backend.PlanGemmFor(132);
            return backend;
        }),
        [Naive] = new(() => IlgpuProvider.Open(DeviceKind.IlgpuCpu, GemmVariant.Naive)),
        [OpenClPocl] = new(() => OpenCl.PoclBackend.Open()),
    };

    public IKernelBackend Get(string name) =>
        backends.TryGetValue(name, out var backend)
            ? backend.Value
            : throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test backend");

    public void Dispose()
    {
        foreach (var backend in backends.Values)
            if (backend.IsValueCreated) backend.Value.Dispose();
    }
}
