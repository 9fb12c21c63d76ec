using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// count[0] = the number of rows whose argmax (first maximum on ties) equals the label.
/// One group: each thread counts a strided set of rows, then thread 0 adds the partial counts
/// in thread order, so the result needs no atomics and no zeroed output.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int> countCorrect = null!;

    private void LoadCountCorrect() =>
        countCorrect = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int>(CountCorrectKernel);

    /// <inheritdoc/>
    void ILayerKernels.CountCorrect(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes)
    {
        LaunchCount++;
        countCorrect(OneGroup, logits.Float(), labels.Int(), count.Int(), rows, classes);
    }

    internal static void CountCorrectKernel(ArrayView<float> logits, ArrayView<int> labels, ArrayView<int> count, int rows, int classes)
    {
        var partial = SharedMemory.Allocate<int>(ReductionMaxGroupSize);
        int tid = Group.IdxX, threads = Group.DimX;
        int correct = 0;
        for (int row = tid; row < rows; row += threads)
        {
            long start = (long)row * classes;
            int best = 0;
            float bestValue = logits[start];
            for (int j = 1; j < classes; j++)
            {
                float v = logits[start + j];
                if (v > bestValue) { bestValue = v; best = j; }
            }
            if (best == labels[row]) correct++;
        }
        partial[tid] = correct;
        Group.Barrier();
        if (tid == 0)
        {
            int total = 0;
            for (int t = 0; t < threads; t++) total += partial[t];
            count[0] = total;
        }
    }
}
