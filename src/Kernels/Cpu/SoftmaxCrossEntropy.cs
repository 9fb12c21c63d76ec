using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Softmax + cross-entropy over rows of logits [B,C] with int32 labels, loss = mean over rows of
/// (log Σ_j exp(x_j − max) − (x_label − max)); backward dx = (softmax(x) − onehot(label)) · dloss / B.
/// One thread, rows in order: the loss is summed row by row, so it does not depend on the thread
/// count. The per-row arithmetic is the GPU kernel's.
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
        float scale = dloss / rows;
        float total = 0f;
        for (int row = 0; row < rows; row++)
        {
            float* x = logits + (long)row * classes;
            float max = x[0];
            for (int j = 1; j < classes; j++) max = MathF.Max(max, x[j]);
            float sum = 0f;
            for (int j = 0; j < classes; j++) sum += MathF.Exp(x[j] - max);
            int label = labels[row];
            total += MathF.Log(sum) - (x[label] - max);
            if (dlogits == null) continue;
            float* dx = dlogits + (long)row * classes;
            for (int j = 0; j < classes; j++)
            {
                float p = MathF.Exp(x[j] - max) / sum;
                dx[j] = (p - (j == label ? 1f : 0f)) * scale;
            }
        }
        return total / rows;
    }
}
