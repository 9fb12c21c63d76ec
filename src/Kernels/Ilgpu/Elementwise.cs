using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>Small elementwise kernels that autodiff needs: a constant fill (the loss seed) and a sum (gradient accumulation).</summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, float, int, int> fill = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> add = null!;

    private void LoadElementwise()
    {
        fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, int, int>(FillKernel);
        add = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(AddKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.Fill(DeviceBuffer y, int count, float value)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        fill(t, y.Float(), value, count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        add(t, a.Float(), b.Float(), y.Float(), count, t);
    }

    internal static void FillKernel(Index1D thread, ArrayView<float> y, float value, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = value;
    }

    internal static void AddKernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = a[i] + b[i];
    }
}
