using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>count[0] = the number of rows whose argmax (first maximum on ties) equals the label.</summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    void ILayerKernels.CountCorrect(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes)
    {
        LaunchCount++;
        float* x = logits.Float();
        int* label = labels.Int();
        int correct = 0;
        for (int row = 0; row < rows; row++)
        {
            float* r = x + (long)row * classes;
            int best = 0;
            float bestValue = r[0];
            for (int j = 1; j < classes; j++)
                if (r[j] > bestValue) { bestValue = r[j]; best = j; }
            if (best == label[row]) correct++;
        }
        count.Int()[0] = correct;
    }
}
