using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Device;

/// <summary>
/// <see cref="IKernelBackend"/> on an ILGPU accelerator. Every kernel is compiled once, here, and
/// launched through a cached delegate, so a launch costs only the driver call.
/// </summary>
public sealed class IlgpuBackend : IKernelBackend
{
    private readonly Context context;
    private readonly Accelerator accelerator;
    private readonly int reductionGroupSize;
    private readonly int maxConcurrentThreads;

    // Only the variant this backend launches is compiled: the register-blocked one is CPU-only code.
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmBlocked;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>? gemmNaive;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue>? gemmTiled;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> biasAdd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> relu;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> reluBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> columnSum;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> sceForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int> sceBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, float> sceFused;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, int, int> sgd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, float, int, int> sgdMulti;
    private readonly Action<Index1D, ArrayView<byte>, ArrayView<float>, float, float, float, float, int, int> imageNormalize;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int> countCorrect;
    private readonly Action<Index1D, ArrayView<float>, float, int, int> fill;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> add;

    internal IlgpuBackend(Context context, Accelerator accelerator, DeviceDescription description, GemmVariant? gemmVariant = null)
    {
        this.context = context;
        this.accelerator = accelerator;
        Description = description;
        GemmVariant = gemmVariant ?? (accelerator.AcceleratorType == AcceleratorType.CPU ? GemmVariant.RegisterBlocked : GemmVariant.Tiled);
        maxConcurrentThreads = accelerator.AcceleratorType == AcceleratorType.CPU
            ? accelerator.MaxNumThreads
            : accelerator.MaxNumThreads * 4;
        reductionGroupSize = Math.Min(Ops.SoftmaxCrossEntropy.MaxGroupSize, accelerator.MaxNumThreadsPerGroup);

        // On CUDA, ILGPU reports kernel load failures only through Trace: listen while compiling.
        using var trace = TraceCapture.Start();
        try
        {
            var a = accelerator;
            if (GemmVariant == GemmVariant.RegisterBlocked && accelerator.AcceleratorType != AcceleratorType.CPU)
                throw new ArgumentException("the register-blocked GEMM runs only on the CPU accelerator", nameof(gemmVariant));
            switch (GemmVariant)
            {
                case GemmVariant.RegisterBlocked:
                    gemmBlocked = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(Ops.Gemm.RegisterBlockedKernel);
                    break;
                case GemmVariant.Tiled:
                    gemmTiled = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue>(Ops.Gemm.TiledKernel);
                    break;
                case GemmVariant.Naive:
                    gemmNaive = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape, GemmEpilogue, int>(Ops.Gemm.NaiveKernel);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(gemmVariant), GemmVariant, "unknown GEMM variant");
            }
            biasAdd = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(Ops.BiasAdd.ForwardKernel);
            relu = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(Ops.Relu.ForwardKernel);
            reluBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(Ops.Relu.BackwardKernel);
            columnSum = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(Ops.ColumnSum.Kernel);
            sceForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(Ops.SoftmaxCrossEntropy.ForwardKernel);
            sceBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int>(Ops.SoftmaxCrossEntropy.BackwardKernel);
            sceFused = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, float>(Ops.SoftmaxCrossEntropy.FusedKernel);
            sgd = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, int, int>(Ops.SgdUpdate.Kernel);
            sgdMulti = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, float, int, int>(Ops.SgdUpdate.MultiTensorKernel);
            imageNormalize = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<float>, float, float, float, float, int, int>(Ops.ImageNormalize.Kernel);
            countCorrect = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int>(Ops.CountCorrect.Kernel);
            fill = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, int, int>(Elementwise.FillKernel);
            add = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(Elementwise.AddKernel);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            string heard = trace.Text;
            throw new DeviceNotAvailableException(
                $"{description.Summary}: compiling the kernels failed: {e.Message}" +
                (heard.Length > 0 ? $" (ILGPU trace: {heard.ReplaceLineEndings(" ")})" : ""));
        }
    }

    public DeviceDescription Description { get; }
    public GemmVariant GemmVariant { get; }
    public long LaunchCount { get; private set; }
    public MemoryStats Memory { get; } = new();

    public DeviceBuffer Allocate(long bytes)
    {
        var buffer = new DeviceBuffer(accelerator.Allocate1D<byte>(Math.Max(bytes, 1)));
        Memory.OnAllocate(buffer.ByteLength);
        return buffer;
    }

    public void Free(DeviceBuffer buffer)
    {
        Memory.OnFree(buffer.ByteLength);
        buffer.Dispose();
    }

    // The host memory is pinned for the copy: ILGPU turns the reference into a raw pointer, and
    // a garbage collection on another thread could otherwise move the array mid-copy.
    public unsafe void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged
    {
        if (source.IsEmpty) return;
        var view = destination.Bytes.Cast<T>().SubView(0, source.Length);
        fixed (T* pointer = source)
            view.CopyFromCPU<T, ArrayView<T>>(ref Unsafe.AsRef<T>(pointer), source.Length);
    }

    public unsafe void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        var view = source.Bytes.Cast<T>().SubView(0, destination.Length);
        fixed (T* pointer = destination)
            view.CopyToCPU<T, ArrayView<T>>(ref Unsafe.AsRef<T>(pointer), destination.Length);
    }

    public void Synchronize() => accelerator.Synchronize();

    public void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes)
    {
        if (bytes <= 0) return;
        source.Bytes.SubView(0, bytes).CopyTo(destination.Bytes.SubView(0, bytes));
    }

    private static bool Empty(long n) => n <= 0;

    /// <summary>
    /// How many threads to launch for <paramref name="work"/> items: kernels loop with a grid stride,
    /// so this is at most what the device runs at once. ILGPU's CPU accelerator pays microseconds
    /// per group it schedules, so there it is one thread per simulated core.
    /// </summary>
    private int Threads(int work) => Math.Max(1, Math.Min(work, maxConcurrentThreads));

    public void Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask)
    {
        if (Empty((long)shape.M * shape.N)) return;
        var biasView = (bias ?? c).Float;
        var maskView = (mask ?? c).Float;
        LaunchCount++;
        switch (GemmVariant)
        {
            case GemmVariant.Tiled:
                gemmTiled!(Ops.Gemm.TiledConfig(shape), a.Float, b.Float, c.Float, biasView, maskView, shape, epilogue);
                break;
            case GemmVariant.Naive:
            {
                int t = Threads((int)Math.Min(int.MaxValue, (long)shape.M * shape.N));
                gemmNaive!(t, a.Float, b.Float, c.Float, biasView, maskView, shape, epilogue, t);
                break;
            }
            default:
            {
                int t = Threads(Ops.Gemm.RegisterBlockedThreads(shape));
                gemmBlocked!(t, a.Float, b.Float, c.Float, biasView, maskView, shape, epilogue, t);
                break;
            }
        }
    }

    public void BiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns)
    {
        if (Empty((long)rows * columns)) return;
        LaunchCount++;
        int t = Threads(rows * columns);
        biasAdd(t, x.Float, bias.Float, y.Float, columns, rows * columns, t);
    }

    public void Relu(DeviceBuffer x, DeviceBuffer y, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        relu(t, x.Float, y.Float, count, t);
    }

    public void ReluBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        reluBackward(t, dy.Float, y.Float, dx.Float, count, t);
    }

    public void ColumnSum(DeviceBuffer x, DeviceBuffer sum, int rows, int columns)
    {
        if (Empty(columns)) return;
        LaunchCount++;
        int t = Threads(columns);
        columnSum(t, x.Float, sum.Float, rows, columns, t);
    }

    private KernelConfig OneGroup => new(1, reductionGroupSize);

    public void SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes)
    {
        LaunchCount++;
        sceForward(OneGroup, logits.Float, labels.Int, loss.Float, rows, classes);
    }

    public void SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes)
    {
        if (Empty(rows)) return;
        LaunchCount++;
        int t = Threads(rows);
        sceBackward(t, logits.Float, labels.Int, dloss.Float, dlogits.Float, rows, classes, t);
    }

    public void SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss)
    {
        LaunchCount++;
        sceFused(OneGroup, logits.Float, labels.Int, loss.Float, dlogits.Float, rows, classes, dloss);
    }

    public void SgdUpdate(DeviceBuffer parameter, DeviceBuffer gradient, int count, float learningRate)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        sgd(t, parameter.Float, gradient.Float, learningRate, count, t);
    }

    public void SgdUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, float learningRate)
    {
        if (Empty(totalElements)) return;
        LaunchCount++;
        int t = Threads(totalElements);
        sgdMulti(t, parameterBlock.Float, gradientArena.Float, segments.Int, segmentCount, learningRate, totalElements, t);
    }

    public void ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        imageNormalize(t, pixels.Bytes, output.Float, scale, shift, mean, std, count, t);
    }

    public void CountCorrect(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes)
    {
        LaunchCount++;
        countCorrect(OneGroup, logits.Float, labels.Int, count.Int, rows, classes);
    }

    public void Fill(DeviceBuffer y, int count, float value)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        fill(t, y.Float, value, count, t);
    }

    public void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        add(t, a.Float, b.Float, y.Float, count, t);
    }

    public void Dispose()
    {
        accelerator.Dispose();
        context.Dispose();
    }
}
