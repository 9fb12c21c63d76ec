using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Softmax + cross-entropy over rows of logits [B,C] with int32 labels, loss = mean over rows of
/// (log Σ_j exp(x_j − max) − (x_label − max)); backward dx = (softmax(x) − onehot(label)) · dloss / B.
/// <para>Vectorised across rows: a block of <see cref="Vector{T}"/>.Count rows is transposed into
/// scratch so that lane r holds row r, then max, exp (<see cref="VectorExp"/>), the sum over classes
/// j = 0, 1, … in order, the log (one <see cref="Vector.Log(Vector{float})"/> per block) and the
/// gradient run on whole vectors, and the gradient is transposed back. With ten classes a row is
/// too short to vectorise along (a first version that did was 1.5x slower than scalar code). One
/// thread; the row losses are added in row order, so the loss does not depend on the thread count.</para>
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private float* softmaxScratch;
    private int softmaxScratchClasses;

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes)
    {
        LaunchCount++;
        loss.Float()[0] = SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), null, rows, classes, 0f);
    }

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes)
    {
        if (!Launch(rows)) return;
        SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), dlogits.Float(), rows, classes, dloss.Float()[0]);
    }

    /// <inheritdoc/>
    void ILayerKernels.SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss)
    {
        LaunchCount++;
        loss.Float()[0] = SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), dlogits.Float(), rows, classes, dloss);
    }

    /// <summary>
    /// Scratch for one block: the logits transposed [C][W], then their exps, then the gradient, in
    /// the same place; and four vectors of per-lane values. Grown when more classes first appear.
    /// </summary>
    private float* SoftmaxScratch(int classes)
    {
        if (classes > softmaxScratchClasses)
        {
            NativeMemory.AlignedFree(softmaxScratch);
            softmaxScratch = (float*)NativeMemory.AlignedAlloc((nuint)((classes + 4) * Vector<float>.Count * sizeof(float)), 64);
            softmaxScratchClasses = classes;
        }
        return softmaxScratch;
    }

    /// <summary>The mean loss; also writes the gradient scaled by <paramref name="dloss"/> when <paramref name="dlogits"/> is not null.</summary>
    private float SoftmaxCrossEntropyRows(float* logits, int* labels, float* dlogits, int rows, int classes, float dloss)
    {
        int width = Vector<float>.Count;
        float* t = SoftmaxScratch(classes);
        float* laneLog = t + (long)classes * width, laneShift = laneLog + width;
        int* laneLabel = (int*)(laneShift + width);
        var vscale = new Vector<float>(dloss / rows);
        float total = 0f;
        for (int r0 = 0; r0 < rows; r0 += width)
        {
            int count = Math.Min(width, rows - r0);
            // Transpose the block in; lanes past the last row repeat it and are ignored.
            for (int lane = 0; lane < width; lane++)
            {
                int row = r0 + Math.Min(lane, count - 1);
                float* x = logits + (long)row * classes;
                for (int j = 0; j < classes; j++) t[j * width + lane] = x[j];
                laneLabel[lane] = lane < count ? labels[row] : -1;
            }
            var max = Load(t);
            for (int j = 1; j < classes; j++) max = Vector.Max(max, Load(t + j * width));
            var sum = Vector<float>.Zero;
            var atLabel = Vector<float>.Zero;
            var label = Unsafe.ReadUnaligned<Vector<int>>(laneLabel);
            for (int j = 0; j < classes; j++)
            {
                var x = Load(t + j * width);
                var e = VectorExp.Exp(x - max);
                sum += e;
                atLabel = Vector.ConditionalSelect(Vector.Equals(label, new Vector<int>(j)), x, atLabel);
                Store(t + j * width, e);
            }
            Store(laneLog, Vector.Log(sum));
            Store(laneShift, atLabel - max);
            for (int lane = 0; lane < count; lane++) total += laneLog[lane] - laneShift[lane];
            if (dlogits == null) continue;

            for (int j = 0; j < classes; j++)
            {
                var p = Load(t + j * width) / sum;
                var onehot = Vector.ConditionalSelect(Vector.Equals(label, new Vector<int>(j)), Vector<float>.One, Vector<float>.Zero);
                Store(t + j * width, (p - onehot) * vscale);
            }
            for (int lane = 0; lane < count; lane++)
            {
                float* dx = dlogits + (long)(r0 + lane) * classes;
                for (int j = 0; j < classes; j++) dx[j] = t[j * width + lane];
            }
        }
        return total / rows;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, Vector<float> v) => Unsafe.WriteUnaligned(p, v);
}
