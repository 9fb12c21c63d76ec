using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// <see cref="IKernelBackend"/> on an ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU accelerator,
/// which emulates a GPU). This file holds memory, copies and launch sizing; each op lives in its
/// own file of this partial class, its kernels beside their launcher. Every kernel is compiled
/// once, in the constructor, and launched through a cached delegate, so a launch costs only the
/// driver call.
/// </summary>
public sealed partial class IlgpuBackend : IKernelBackend, ILayerKernels
{
    private readonly Context context;
    private readonly Accelerator accelerator;
    private readonly int reductionGroupSize;
    private readonly int maxConcurrentThreads;

    internal IlgpuBackend(Context context, Accelerator accelerator, DeviceDescription description, GemmVariant? gemmVariant = null)
    {
        this.context = context;
        this.accelerator = accelerator;
        Description = description;
        GemmVariant = gemmVariant ?? (accelerator.AcceleratorType == AcceleratorType.CPU ? GemmVariant.RegisterBlocked : GemmVariant.Tiled);
        maxConcurrentThreads = accelerator.AcceleratorType == AcceleratorType.CPU
            ? accelerator.MaxNumThreads
            : accelerator.MaxNumThreads * 4;
        reductionGroupSize = Math.Min(ReductionMaxGroupSize, accelerator.MaxNumThreadsPerGroup);
        if (GemmVariant == GemmVariant.RegisterBlocked && accelerator.AcceleratorType != AcceleratorType.CPU)
            throw new ArgumentException("the register-blocked GEMM runs only on the CPU accelerator", nameof(gemmVariant));

        // On CUDA, ILGPU reports kernel load failures only through Trace: listen while compiling.
        using var trace = TraceCapture.Start();
        try
        {
            LoadGemm();
            LoadBiasAdd();
            LoadRelu();
            LoadColumnSum();
            LoadSoftmaxCrossEntropy();
            LoadSgdUpdate();
            LoadMomentumUpdate();
            LoadAdamUpdate();
            LoadChannelBias();
            LoadConv2d();
            LoadMaxPool2d();
            LoadImageNormalize();
            LoadCountCorrect();
            LoadElementwise();
            CreateKernelTable();
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            string heard = trace.Text;
            throw new DeviceNotAvailableException(
                $"{description.Summary}: compiling the kernels failed: {e.Message}" +
                (heard.Length > 0 ? $" (ILGPU trace: {heard.ReplaceLineEndings(" ")})" : ""));
        }
    }

    /// <inheritdoc/>
    public DeviceDescription Description { get; }

    /// <summary>Which GEMM kernel this backend launches.</summary>
    public GemmVariant GemmVariant { get; }

    /// <inheritdoc/>
    public string GemmKernel => GemmVariant switch
    {
        GemmVariant.RegisterBlocked => "register-blocked 4x4 (ILGPU)",
        GemmVariant.Tiled => $"tiled 64x64 or 32x32 per shape, split-K below {GemmMultiprocessors} groups, shared memory (ILGPU)",
        _ => "naive (ILGPU)",
    };

    /// <inheritdoc/>
    public long LaunchCount { get; private set; }
    /// <inheritdoc/>
    public long UploadCount { get; private set; }
    /// <inheritdoc/>
    public long DownloadCount { get; private set; }
    /// <inheritdoc/>
    public long SyncCount { get; private set; }
    /// <inheritdoc/>
    public MemoryStats Memory { get; } = new();

    /// <inheritdoc/>
    public DeviceBuffer Allocate(long bytes)
    {
        var buffer = DeviceBuffer.Own(new IlgpuMemory(accelerator.Allocate1D<byte>(Math.Max(bytes, 1))));
        Memory.OnAllocate(buffer.ByteLength);
        return buffer;
    }

    /// <inheritdoc/>
    public void Free(DeviceBuffer buffer)
    {
        Memory.OnFree(buffer.ByteLength);
        buffer.Dispose();
    }

    // The host memory is pinned for the copy: ILGPU turns the reference into a raw pointer, and
    // a garbage collection on another thread could otherwise move the array mid-copy.
    /// <inheritdoc/>
    public unsafe void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged
    {
        if (source.IsEmpty) return;
        UploadCount++;
        SyncCount++; // CopyFromCPU synchronises the stream
        var view = destination.Bytes().Cast<T>().SubView(0, source.Length);
        fixed (T* pointer = source)
            view.CopyFromCPU<T, ArrayView<T>>(ref Unsafe.AsRef<T>(pointer), source.Length);
    }

    /// <inheritdoc/>
    public unsafe void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        DownloadCount++;
        SyncCount++; // CopyToCPU synchronises the stream
        var view = source.Bytes().Cast<T>().SubView(0, destination.Length);
        fixed (T* pointer = destination)
            view.CopyToCPU<T, ArrayView<T>>(ref Unsafe.AsRef<T>(pointer), destination.Length);
    }

    /// <inheritdoc/>
    public void Synchronize()
    {
        SyncCount++;
        accelerator.Synchronize();
    }

    /// <inheritdoc/>
    public void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes)
    {
        if (bytes <= 0) return;
        source.Bytes().SubView(0, bytes).CopyTo(destination.Bytes().SubView(0, bytes));
    }

    private static bool Empty(long n) => n <= 0;

    /// <summary>
    /// How many threads to launch for <paramref name="work"/> items: kernels loop with a grid stride,
    /// so this is at most what the device runs at once. ILGPU's CPU accelerator pays microseconds
    /// per group it schedules, so there it is one thread per simulated core.
    /// </summary>
    private int Threads(int work) => Math.Max(1, Math.Min(work, maxConcurrentThreads));

    /// <summary>Largest group the one-group reductions (loss, correct count) use.</summary>
    internal const int ReductionMaxGroupSize = 256;

    private KernelConfig OneGroup => new(1, reductionGroupSize);

    /// <inheritdoc/>
    public void Dispose()
    {
        FreeGemmWorkspaces();
        accelerator.Dispose();
        context.Dispose();
    }
}
