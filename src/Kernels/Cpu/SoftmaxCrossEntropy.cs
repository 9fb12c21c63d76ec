using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Softmax + cross-entropy over rows of logits [B,C] with int32 labels, loss = mean over rows of
/// (log Σ_j exp(x_j − max) − (x_label − max)); backward dx = (softmax(x) − onehot(label)) · dloss / B.
/// <para>Vectorised with <see cref="Vector{T}"/>: within a row, max, exp and the gradient run over
/// vectors of classes (a ragged last vector padded with −∞, whose exp is 0); the logs of a block of
/// row sums are one vector <see cref="Vector.Log(Vector{float})"/>. One thread, rows in order, each
/// sum reduced lane by lane in a fixed order: the loss does not depend on the thread count.</para>
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes)
    {
        LaunchCount++;
        loss.Float()[0] = SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), null, rows, classes, 0f);
    }

    public void SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes)
    {
        if (!Launch(rows)) return;
        SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), dlogits.Float(), rows, classes, dloss.Float()[0]);
    }

    public void SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss)
    {
        LaunchCount++;
        loss.Float()[0] = SoftmaxCrossEntropyRows(logits.Float(), labels.Int(), dlogits.Float(), rows, classes, dloss);
    }

    /// <summary>The mean loss; also writes the gradient scaled by <paramref name="dloss"/> when <paramref name="dlogits"/> is not null.</summary>
    private static float SoftmaxCrossEntropyRows(float* logits, int* labels, float* dlogits, int rows, int classes, float dloss)
    {
        int width = Vector<float>.Count;
        int full = classes - classes % width;
        float scale = dloss / rows;
        var tail = new SoftmaxTail(classes - full);
        float* shifted = stackalloc float[width];   // x_label − max of each row in the block
        float* sums = stackalloc float[width];       // Σ exp of each row in the block; 1 pads a short block (log 1 = 0)
        float total = 0f;
        for (int block = 0; block < rows; block += width)
        {
            int count = Math.Min(width, rows - block);
            for (int r = 0; r < width; r++) sums[r] = 1f;
            for (int r = 0; r < count; r++)
            {
                int row = block + r;
                float* x = logits + (long)row * classes;
                var xTail = tail.Load(x + full);
                var vmax = xTail;
                for (int j = 0; j < full; j += width) vmax = Vector.Max(vmax, Unsafe.ReadUnaligned<Vector<float>>(x + j));
                float max = HorizontalMax(vmax);
                var vm = new Vector<float>(max);
                var vsum = VectorExp.Exp(xTail - vm);
                for (int j = 0; j < full; j += width) vsum += VectorExp.Exp(Unsafe.ReadUnaligned<Vector<float>>(x + j) - vm);
                float sum = HorizontalSum(vsum);
                int label = labels[row];
                sums[r] = sum;
                shifted[r] = x[label] - max;
                if (dlogits == null) continue;

                float* dx = dlogits + (long)row * classes;
                var vs = new Vector<float>(sum);
                var vscale = new Vector<float>(scale);
                var vlabel = new Vector<int>(label);
                for (int j = 0; j < full; j += width)
                {
                    var p = VectorExp.Exp(Unsafe.ReadUnaligned<Vector<float>>(x + j) - vm) / vs;
                    Unsafe.WriteUnaligned(dx + j, (p - OneHot(vlabel, j)) * vscale);
                }
                if (full < classes)
                    tail.Store(dx + full, (VectorExp.Exp(xTail - vm) / vs - OneHot(vlabel, full)) * vscale);
            }
            var logs = Vector.Log(Unsafe.ReadUnaligned<Vector<float>>(sums));
            for (int r = 0; r < count; r++) total += logs[r] - shifted[r];
        }
        return total / rows;
    }

    /// <summary>1 in the lane whose class index (<paramref name="first"/> + lane) is the label, 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> OneHot(Vector<int> label, int first) =>
        Vector.ConditionalSelect(Vector.Equals(Vector<int>.Indices + new Vector<int>(first), label), Vector<float>.One, Vector<float>.Zero);

    /// <summary>Lanes 0, 1, … in order.</summary>
    private static float HorizontalMax(Vector<float> v)
    {
        float max = v[0];
        for (int i = 1; i < Vector<float>.Count; i++) max = MathF.Max(max, v[i]);
        return max;
    }

    /// <summary>Lanes 0, 1, … in order: a fixed summation order on every machine with this vector width.</summary>
    private static float HorizontalSum(Vector<float> v)
    {
        float sum = v[0];
        for (int i = 1; i < Vector<float>.Count; i++) sum += v[i];
        return sum;
    }

    /// <summary>The ragged last vector of a row: loaded with −∞ beyond the row (exp gives 0, max ignores it), stored without writing past it.</summary>
    private readonly struct SoftmaxTail(int count)
    {
        public Vector<float> Load(float* source)
        {
            var v = new Vector<float>(float.NegativeInfinity);
            for (int i = 0; i < count; i++) v = v.WithElement(i, source[i]);
            return v;
        }

        public void Store(float* destination, Vector<float> v)
        {
            for (int i = 0; i < count; i++) destination[i] = v[i];
        }
    }
}
