using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>y[i,j] = x[i,j] + b[j]; its backward for b is the column sum, for x the identity.</summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> biasAdd = null!;

    private void LoadBiasAdd() =>
        biasAdd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(BiasAddKernel);

    /// <inheritdoc/>
    void ILayerKernels.BiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns)
    {
        if (Empty((long)rows * columns)) return;
        LaunchCount++;
        int t = Threads(rows * columns);
        biasAdd(t, x.Float(), bias.Float(), y.Float(), columns, rows * columns, t);
    }

    internal static void BiasAddKernel(Index1D thread, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int columns, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            y[i] = x[i] + bias[i % columns];
    }
}
