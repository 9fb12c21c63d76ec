using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.SelfTest;

/// <summary>
/// An <see cref="IKernelBackend"/> that forwards everything to another; tests override what they break.
/// Training.Tests compiles this same file (linked in its project) for its own fault-injection tests.
/// </summary>
internal abstract class DelegatingBackend(IKernelBackend inner) : IKernelBackend
{
    protected IKernelBackend Inner => inner;

    /// <summary>Called with the kernel's name before every kernel launch is forwarded (not for memory and copies); a recorder overrides it.</summary>
    protected virtual void Called(string kernel) { }

    public virtual DeviceDescription Description => inner.Description;
    public virtual string GemmKernel => inner.GemmKernel;
    public virtual long LaunchCount => inner.LaunchCount;
    public virtual long UploadCount => inner.UploadCount;
    public virtual long DownloadCount => inner.DownloadCount;
    public virtual long SyncCount => inner.SyncCount;
    public virtual StagingBuffer AllocateStaging(long bytes) => inner.AllocateStaging(bytes);
    public virtual void UploadStaged(StagingBuffer source, DeviceBuffer destination, long bytes) => inner.UploadStaged(source, destination, bytes);
    public virtual MemoryStats Memory => inner.Memory;
    public virtual DeviceBuffer Allocate(long bytes) => inner.Allocate(bytes);
    public virtual void Free(DeviceBuffer buffer) => inner.Free(buffer);
    public virtual void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged => inner.Upload(destination, source);
    public virtual void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged => inner.Download(source, destination);
    public virtual void Synchronize() => inner.Synchronize();
    public virtual void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes) => inner.Copy(source, destination, bytes);

    private KernelTable? kernels;

    /// <summary>The inner backend's table, each launch reported to <see cref="Called"/> with its key first.</summary>
    public virtual KernelTable Kernels => kernels ??= inner.Kernels.Observed(Called);

    public virtual void BiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns)
    {
        Called(nameof(BiasAdd));
        inner.BiasAdd(x, bias, y, rows, columns);
    }

    public virtual void Relu(DeviceBuffer x, DeviceBuffer y, int count)
    {
        Called(nameof(Relu));
        inner.Relu(x, y, count);
    }

    public virtual void ReluBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count)
    {
        Called(nameof(ReluBackward));
        inner.ReluBackward(dy, y, dx, count);
    }

    public virtual void ColumnSum(DeviceBuffer x, DeviceBuffer sum, int rows, int columns)
    {
        Called(nameof(ColumnSum));
        inner.ColumnSum(x, sum, rows, columns);
    }

    public virtual void SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes)
    {
        Called(nameof(SoftmaxCrossEntropy));
        inner.SoftmaxCrossEntropy(logits, labels, loss, rows, classes);
    }

    public virtual void SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes)
    {
        Called(nameof(SoftmaxCrossEntropyBackward));
        inner.SoftmaxCrossEntropyBackward(logits, labels, dloss, dlogits, rows, classes);
    }

    public virtual void SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss)
    {
        Called(nameof(SoftmaxCrossEntropyFused));
        inner.SoftmaxCrossEntropyFused(logits, labels, loss, dlogits, rows, classes, dloss);
    }

    public virtual void SgdUpdate(DeviceBuffer parameter, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        Called(nameof(SgdUpdate));
        inner.SgdUpdate(parameter, gradient, count, hyperparameters);
    }

    public virtual void MomentumUpdate(DeviceBuffer parameter, DeviceBuffer accumulation, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        Called(nameof(MomentumUpdate));
        inner.MomentumUpdate(parameter, accumulation, gradient, count, hyperparameters);
    }

    public virtual void MomentumUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer accumulationBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        Called(nameof(MomentumUpdateMulti));
        inner.MomentumUpdateMulti(parameterBlock, accumulationBlock, gradientArena, segments, segmentCount, totalElements, hyperparameters);
    }

    public virtual void ChannelBiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int outer, int channels, int innerSize)
    {
        Called(nameof(ChannelBiasAdd));
        Inner.ChannelBiasAdd(x, bias, y, outer, channels, innerSize);
    }

    public virtual void ChannelSum(DeviceBuffer x, DeviceBuffer sum, int outer, int channels, int innerSize)
    {
        Called(nameof(ChannelSum));
        Inner.ChannelSum(x, sum, outer, channels, innerSize);
    }

    public virtual long Conv2dWorkspaceBytes(Conv2dShape shape) => Inner.Conv2dWorkspaceBytes(shape);
    public virtual void Conv2d(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, Conv2dShape shape, GemmEpilogue epilogue, DeviceBuffer? workspace)
    {
        Called(nameof(Conv2d));
        Inner.Conv2d(x, weight, bias, y, shape, epilogue, workspace);
    }

    public virtual void Conv2dBackwardData(DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape, DeviceBuffer? workspace)
    {
        Called(nameof(Conv2dBackwardData));
        Inner.Conv2dBackwardData(dy, weight, dx, shape, workspace);
    }

    public virtual void Conv2dBackwardFilter(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape, DeviceBuffer? workspace)
    {
        Called(nameof(Conv2dBackwardFilter));
        Inner.Conv2dBackwardFilter(x, dy, dw, shape, workspace);
    }

    public virtual void MaxPool2d(DeviceBuffer x, DeviceBuffer y, Pool2dShape shape)
    {
        Called(nameof(MaxPool2d));
        Inner.MaxPool2d(x, y, shape);
    }

    public virtual void MaxPool2dBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape, bool reluMask = false)
    {
        Called(nameof(MaxPool2dBackward));
        Inner.MaxPool2dBackward(x, dy, dx, shape, reluMask);
    }

    public virtual void AdamUpdate(DeviceBuffer parameter, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradient, DeviceBuffer beta1Power, DeviceBuffer beta2Power, int count, DeviceBuffer hyperparameters)
    {
        Called(nameof(AdamUpdate));
        inner.AdamUpdate(parameter, m, v, gradient, beta1Power, beta2Power, count, hyperparameters);
    }

    public virtual void AdamUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer mBlock, DeviceBuffer vBlock, DeviceBuffer gradientArena, DeviceBuffer segments, DeviceBuffer beta1Power, DeviceBuffer beta2Power, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        Called(nameof(AdamUpdateMulti));
        inner.AdamUpdateMulti(parameterBlock, mBlock, vBlock, gradientArena, segments, beta1Power, beta2Power, segmentCount, totalElements, hyperparameters);
    }

    public virtual void AdamBetaPowers(DeviceBuffer beta1Power, DeviceBuffer beta2Power, DeviceBuffer hyperparameters)
    {
        Called(nameof(AdamBetaPowers));
        inner.AdamBetaPowers(beta1Power, beta2Power, hyperparameters);
    }

    public virtual void SgdUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        Called(nameof(SgdUpdateMulti));
        inner.SgdUpdateMulti(parameterBlock, gradientArena, segments, segmentCount, totalElements, hyperparameters);
    }

    public virtual void ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std)
    {
        Called(nameof(ImageNormalize));
        inner.ImageNormalize(pixels, output, count, scale, shift, mean, std);
    }

    public virtual void CountCorrect(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes)
    {
        Called(nameof(CountCorrect));
        inner.CountCorrect(logits, labels, count, rows, classes);
    }

    public virtual void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count)
    {
        Called(nameof(Add));
        inner.Add(a, b, y, count);
    }

    public virtual void Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask)
    {
        Called(nameof(Gemm));
        inner.Gemm(a, b, c, shape, epilogue, bias, mask);
    }

    public virtual void Fill(DeviceBuffer y, int count, float value)
    {
        Called(nameof(Fill));
        inner.Fill(y, count, value);
    }

    /// <summary>The inner backend belongs to whoever created it (a subclass that owns it disposes it here).</summary>
    public virtual void Dispose() { }
}
