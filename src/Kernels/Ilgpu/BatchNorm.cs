using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Training-mode batch normalisation, fused (<see cref="BatchNormKeys"/>), two launches each way: one thread per channel
/// sums the channel's values in order (planes o = 0, 1, …, each from its first value), so the statistics do not depend on
/// the launch geometry; then every element is written with a grid stride from its channel's statistics.
/// </summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(BatchNormKeys.Forward)]
    private Action? BindBatchNormForward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (Empty(g.Count)) return null;
        var statistics = Loaded(nameof(BatchNormStatisticsKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormStatisticsKernel));
        var apply = Loaded(nameof(BatchNormApplyKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormApplyKernel));
        ArrayView<float> x = call.Inputs[0].Float(), gamma = call.Inputs[1].Float(), beta = call.Inputs[2].Float();
        ArrayView<float> y = call.Outputs[0].Float(), mean = call.Outputs[1].Float(), variance = call.Outputs[2].Float();
        int channelThreads = Threads(g.Channels), elementThreads = Threads((int)Math.Min(int.MaxValue, g.Count));
        return () =>
        {
            statistics(channelThreads, x, mean, variance, g, channelThreads);
            apply(elementThreads, x, gamma, beta, mean, variance, y, g, elementThreads);
        };
    }

    [TableKernel(BatchNormKeys.Backward)]
    private Action? BindBatchNormBackward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (Empty(g.Count)) return null;
        var sums = Loaded(nameof(BatchNormGradSumsKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormGradSumsKernel));
        var input = Loaded(nameof(BatchNormGradInputKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormGradInputKernel));
        var i = call.Inputs;
        ArrayView<float> dy = i[0].Float(), dMean = i[1].Float(), dVariance = i[2].Float(), x = i[3].Float(), gamma = i[4].Float(),
            mean = i[5].Float(), variance = i[6].Float();
        ArrayView<float> dx = call.Outputs[0].Float(), dGamma = call.Outputs[1].Float(), dBeta = call.Outputs[2].Float();
        int channelThreads = Threads(g.Channels), elementThreads = Threads((int)Math.Min(int.MaxValue, g.Count));
        return () =>
        {
            sums(channelThreads, dy, x, mean, variance, dGamma, dBeta, g, channelThreads);
            input(elementThreads, dy, dMean, dVariance, x, gamma, mean, variance, dGamma, dBeta, dx, g, elementThreads);
        };
    }

    /// <summary>Each channel's mean Σx/n and biased variance Σ(x − mean)²/n, summed in order by one thread.</summary>
    internal static void BatchNormStatisticsKernel(Index1D thread, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance,
        BatchNormGeometry g, int stride)
    {
        for (int c = thread; c < g.Channels; c += stride)
        {
            float sum = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++) sum += x[plane + i];
            }
            float m = sum / g.N;
            float squares = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++)
                {
                    float d = x[plane + i] - m;
                    squares += d * d;
                }
            }
            mean[c] = m;
            variance[c] = squares / g.N;
        }
    }

    /// <summary>y = (x − mean)·(gamma·invstd) + beta, element by element.</summary>
    internal static void BatchNormApplyKernel(Index1D thread, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> y, BatchNormGeometry g, int stride)
    {
        long count = g.Count;
        for (long e = thread; e < count; e += stride)
        {
            int c = (int)(e / g.Inner % g.Channels);
            float scale = gamma[c] / MathF.Sqrt(variance[c] + g.Eps);
            y[e] = (x[e] - mean[c]) * scale + beta[c];
        }
    }

    /// <summary>Each channel's dbeta = Σdy and dgamma = Σdy·(x − mean)·invstd, summed in order by one thread.</summary>
    internal static void BatchNormGradSumsKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean,
        ArrayView<float> variance, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormGeometry g, int stride)
    {
        for (int c = thread; c < g.Channels; c += stride)
        {
            float m = mean[c], sumDy = 0f, sumProduct = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++)
                {
                    float d = dy[plane + i];
                    sumDy += d;
                    sumProduct += d * (x[plane + i] - m);
                }
            }
            dBeta[c] = sumDy;
            dGamma[c] = sumProduct * (1f / MathF.Sqrt(variance[c] + g.Eps));
        }
    }

    /// <summary>dx = a·dy + b·(x − mean) + d from the channel's sums (see <see cref="BatchNormKeys.Backward"/>).</summary>
    internal static void BatchNormGradInputKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> dMean, ArrayView<float> dVariance,
        ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> dGamma,
        ArrayView<float> dBeta, ArrayView<float> dx, BatchNormGeometry g, int stride)
    {
        long count = g.Count;
        for (long e = thread; e < count; e += stride)
        {
            int c = (int)(e / g.Inner % g.Channels);
            float invStd = 1f / MathF.Sqrt(variance[c] + g.Eps);
            float a = gamma[c] * invStd;
            float b = 2f * dVariance[c] / g.N - a * invStd * dGamma[c] / g.N;
            float d = dMean[c] / g.N - a * dBeta[c] / g.N;
            dx[e] = dy[e] * a + (x[e] - mean[c]) * b + d;
        }
    }
}
