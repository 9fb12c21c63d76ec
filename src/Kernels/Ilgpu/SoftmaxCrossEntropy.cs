using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Softmax + cross-entropy over rows of logits [B,C] with int32 labels, loss = mean over rows of
/// (log Σ_j exp(x_j − max) − (x_label − max)). Backward: dx = (softmax(x) − onehot(label)) · dloss / B.
/// The loss is reduced by one group: each thread sums a strided set of rows in order, then thread 0
/// adds the partial sums in thread order, so the loss is the same every run.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> sceForward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int> sceBackward = null!;
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, float> sceFused = null!;

    private void LoadSoftmaxCrossEntropy()
    {
        sceForward = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(SceForwardKernel);
        sceBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int>(SceBackwardKernel);
        sceFused = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, float>(SceFusedKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes)
    {
        LaunchCount++;
        sceForward(OneGroup, logits.Float(), labels.Int(), loss.Float(), rows, classes);
    }

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes)
    {
        if (Empty(rows)) return;
        LaunchCount++;
        int t = Threads(rows);
        sceBackward(t, logits.Float(), labels.Int(), dloss.Float(), dlogits.Float(), rows, classes, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss)
    {
        LaunchCount++;
        sceFused(OneGroup, logits.Float(), labels.Int(), loss.Float(), dlogits.Float(), rows, classes, dloss);
    }

    private static float RowMax(ArrayView<float> logits, long start, int classes)
    {
        float m = logits[start];
        for (int j = 1; j < classes; j++) m = MathF.Max(m, logits[start + j]);
        return m;
    }

    private static float RowSumExp(ArrayView<float> logits, long start, int classes, float max)
    {
        float s = 0f;
        for (int j = 0; j < classes; j++) s += MathF.Exp(logits[start + j] - max);
        return s;
    }

    private static void ReduceMean(ArrayView<float> partial, float mine, ArrayView<float> loss, int rows)
    {
        int tid = Group.IdxX;
        partial[tid] = mine;
        Group.Barrier();
        if (tid == 0)
        {
            float total = 0f;
            for (int t = 0; t < Group.DimX; t++) total += partial[t];
            loss[0] = total / rows;
        }
    }

    internal static void SceForwardKernel(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, int rows, int classes)
    {
        var partial = SharedMemory.Allocate<float>(ReductionMaxGroupSize);
        float mine = 0f;
        for (int row = Group.IdxX; row < rows; row += Group.DimX)
        {
            long start = (long)row * classes;
            float max = RowMax(logits, start, classes);
            float sum = RowSumExp(logits, start, classes, max);
            mine += MathF.Log(sum) - (logits[start + labels[row]] - max);
        }
        ReduceMean(partial, mine, loss, rows);
    }

    internal static void SceBackwardKernel(
        Index1D thread, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dloss, ArrayView<float> dlogits, int rows, int classes, int stride)
    {
        float scale = dloss[0] / rows;
        for (int row = thread; row < rows; row += stride)
        {
            long start = (long)row * classes;
            float max = RowMax(logits, start, classes);
            float sum = RowSumExp(logits, start, classes, max);
            int label = labels[row];
            for (int j = 0; j < classes; j++)
            {
                float p = MathF.Exp(logits[start + j] - max) / sum;
                dlogits[start + j] = (p - (j == label ? 1f : 0f)) * scale;
            }
        }
    }

    /// <summary>Forward and backward in one pass over the logits; the upstream gradient is the constant <paramref name="dloss"/>.</summary>
    internal static void SceFusedKernel(
        ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> dlogits, int rows, int classes, float dloss)
    {
        var partial = SharedMemory.Allocate<float>(ReductionMaxGroupSize);
        float scale = dloss / rows;
        float mine = 0f;
        for (int row = Group.IdxX; row < rows; row += Group.DimX)
        {
            long start = (long)row * classes;
            float max = RowMax(logits, start, classes);
            float sum = RowSumExp(logits, start, classes, max);
            int label = labels[row];
            mine += MathF.Log(sum) - (logits[start + label] - max);
            for (int j = 0; j < classes; j++)
            {
                float p = MathF.Exp(logits[start + j] - max) / sum;
                dlogits[start + j] = (p - (j == label ? 1f : 0f)) * scale;
            }
        }
        ReduceMean(partial, mine, loss, rows);
    }
}
