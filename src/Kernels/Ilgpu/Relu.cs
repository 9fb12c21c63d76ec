using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>ReLU and its backward; the backward masks by the forward output (y &gt; 0 ⇔ x &gt; 0).</summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> relu = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> reluBackward = null!;

    private void LoadRelu()
    {
        relu = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ReluForwardKernel);
        reluBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(ReluBackwardKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.Relu(DeviceBuffer x, DeviceBuffer y, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        relu(t, x.Float(), y.Float(), count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.ReluBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        reluBackward(t, dy.Float(), y.Float(), dx.Float(), count, t);
    }

    internal static void ReluForwardKernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
        {
            float v = x[i];
            y[i] = v > 0f ? v : 0f;
        }
    }

    internal static void ReluBackwardKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> y, ArrayView<float> dx, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
