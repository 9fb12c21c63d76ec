using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Bias over the channel axis of a tensor viewed as [outer, channels, inner] (NCHW: channel axis 1):
/// the add is vectorised along each (o, c) plane of inner elements; the sum, its gradient, gives each
/// channel to one task, which walks the planes o = 0, 1, … in order and adds each plane's whole
/// 16-float vectors into four vector accumulators in turn and its last inner mod 16 elements into a
/// scalar one; the result is ((a0 + a1) + (a2 + a3)) summed across lanes, plus the scalar. A fixed
/// order, so the same bits whatever the thread count (a conv net's bias gradient sums 50,176 values a
/// channel: one add chain in order took longer than the convolution beside it).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ChannelBiasAddOp> channelBiasAdd = new();
    private readonly RangeWork<ChannelSumOp> channelSum = new();

    /// <inheritdoc/>
    void ILayerKernels.ChannelBiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int outer, int channels, int inner)
    {
        long planes = (long)outer * channels;
        if (!Launch(planes * inner)) return;
        channelBiasAdd.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, inner));
        RunRange(channelBiasAdd, new ChannelBiasAddOp(x.Float(), bias.Float(), y.Float(), channels, inner), planes);
    }

    /// <inheritdoc/>
    void ILayerKernels.ChannelSum(DeviceBuffer x, DeviceBuffer sum, int outer, int channels, int inner)
    {
        if (!Launch(channels)) return;
        channelSum.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, outer * inner));
        RunRange(channelSum, new ChannelSumOp(x.Float(), sum.Float(), outer, channels, inner), channels);
    }

    /// <summary>Planes [start, end), plane p = o·channels + c.</summary>
    private readonly struct ChannelBiasAddOp(float* x, float* bias, float* y, int channels, int inner) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long plane = start; plane < end; plane++)
            {
                float b = bias[plane % channels];
                var vb = new Vector<float>(b);
                float* xp = x + plane * inner, yp = y + plane * inner;
                int i = 0;
                for (; i + Vector<float>.Count <= inner; i += Vector<float>.Count)
                    Unsafe.WriteUnaligned(yp + i, Unsafe.ReadUnaligned<Vector<float>>(xp + i) + vb);
                for (; i < inner; i++) yp[i] = xp[i] + b;
            }
        }
    }

    /// <summary>Channels [start, end).</summary>
    private readonly struct ChannelSumOp(float* x, float* sum, int outer, int channels, int inner) : IRangeOp
    {
        public void Run(long start, long end)
        {
            const int lanes = 16;
            int whole = inner / lanes * lanes;
            for (long c = start; c < end; c++)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float tail = 0f;
                int k = 0;
                for (int o = 0; o < outer; o++)
                {
                    float* plane = x + ((long)o * channels + c) * inner;
                    for (int i = 0; i < whole; i += lanes, k++)
                    {
                        var v = Vector512.Load(plane + i);
                        switch (k & 3)
                        {
                            case 0: a0 += v; break;
                            case 1: a1 += v; break;
                            case 2: a2 += v; break;
                            default: a3 += v; break;
                        }
                    }
                    for (int i = whole; i < inner; i++) tail += plane[i];
                }
                sum[c] = Vector512.Sum((a0 + a1) + (a2 + a3)) + tail;
            }
        }
    }
}
