using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Bias over the channel axis of a tensor viewed as [outer, channels, inner] (NCHW: channel axis 1),
/// and its gradient, the per-channel sum, one thread per channel summing o outer and i inner in order.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, long, int> channelBiasAdd = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int> channelSum = null!;

    private void LoadChannelBias()
    {
        channelBiasAdd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, long, int>(ChannelBiasAddKernel);
        channelSum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int>(ChannelSumKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.ChannelBiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int outer, int channels, int inner)
    {
        long count = (long)outer * channels * inner;
        if (count == 0) return;
        LaunchCount++;
        int t = Threads((int)Math.Min(count, int.MaxValue));
        channelBiasAdd(t, x.Float(), bias.Float(), y.Float(), channels, inner, count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.ChannelSum(DeviceBuffer x, DeviceBuffer sum, int outer, int channels, int inner)
    {
        if (Empty(channels)) return;
        LaunchCount++;
        int t = Threads(channels);
        channelSum(t, x.Float(), sum.Float(), outer, channels, inner, t);
    }

    internal static void ChannelBiasAddKernel(Index1D thread, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int channels, int inner, long count, int stride)
    {
        for (long i = thread; i < count; i += stride)
            y[i] = x[i] + bias[(int)(i / inner % channels)];
    }

    internal static void ChannelSumKernel(Index1D thread, ArrayView<float> x, ArrayView<float> sum, int outer, int channels, int inner, int stride)
    {
        for (int c = thread; c < channels; c += stride)
        {
            float acc = 0f;
            for (int o = 0; o < outer; o++)
            {
                long plane = ((long)o * channels + c) * inner;
                for (int i = 0; i < inner; i++) acc += x[plane + i];
            }
            sum[c] = acc;
        }
    }
}
