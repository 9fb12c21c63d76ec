using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Training-mode batch normalisation, fused (<see cref="BatchNormKeys"/>), one launch each way: one thread per channel
/// does all of its channel's work in order (planes o = 0, 1, …, each from its first value), the statistics (or the two
/// sums) and then the channel's output, so the result does not depend on the launch geometry. As on the native backend
/// (<see cref="Cpu.CpuBackend"/>'s BatchNorm), the centred values are corrected by their own mean r, the float mean's offset.
/// Written for correctness: a channel's work is serial, which a GPU runs far below its width.
/// </summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(BatchNormKeys.Forward)]
    private Action? BindBatchNormForward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (Empty(g.Count)) return null;
        var kernel = Loaded(nameof(BatchNormForwardKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormForwardKernel));
        ArrayView<float> x = call.Inputs[0].Float(), gamma = call.Inputs[1].Float(), beta = call.Inputs[2].Float();
        ArrayView<float> y = call.Outputs[0].Float(), mean = call.Outputs[1].Float(), variance = call.Outputs[2].Float();
        int t = Threads(g.Channels);
        return () => kernel(t, x, gamma, beta, y, mean, variance, g, t);
    }

    [TableKernel(BatchNormKeys.Backward)]
    private Action? BindBatchNormBackward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (Empty(g.Count)) return null;
        var kernel = Loaded(nameof(BatchNormBackwardKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, BatchNormGeometry, int>(BatchNormBackwardKernel));
        var i = call.Inputs;
        ArrayView<float> dy = i[0].Float(), dMean = i[1].Float(), dVariance = i[2].Float(), x = i[3].Float(), gamma = i[4].Float(),
            mean = i[5].Float(), variance = i[6].Float();
        ArrayView<float> dx = call.Outputs[0].Float(), dGamma = call.Outputs[1].Float(), dBeta = call.Outputs[2].Float();
        int t = Threads(g.Channels);
        return () => kernel(t, dy, dMean, dVariance, x, gamma, mean, variance, dx, dGamma, dBeta, g, t);
    }

    /// <summary>Per channel: m = Σx/n, r = Σ(x − m)/n, var = Σ(x − m)²/n, then y = ((x − m) − r)·gamma·invstd + beta.</summary>
    internal static void BatchNormForwardKernel(Index1D thread, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, ArrayView<float> mean, ArrayView<float> variance, BatchNormGeometry g, int stride)
    {
        for (int c = thread; c < g.Channels; c += stride)
        {
            float sum = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++) sum += x[plane + i];
            }
            float m = sum / g.N, centred = 0f, squares = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++)
                {
                    float d = x[plane + i] - m;
                    centred += d;
                    squares += d * d;
                }
            }
            float r = centred / g.N, v = squares / g.N;
            mean[c] = m;
            variance[c] = v;
            float scale = gamma[c] / MathF.Sqrt(v + g.Eps), shift = beta[c];
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++) y[plane + i] = (x[plane + i] - m - r) * scale + shift;
            }
        }
    }

    /// <summary>
    /// Per channel: r, Σdy and Σdy·(x − m); dbeta = Σdy, dgamma = (Σdy·(x − m) − r·Σdy)·invstd; then
    /// dx = a·dy + b·((x − m) − r) + d (see <see cref="BatchNormKeys.Backward"/>).
    /// </summary>
    internal static void BatchNormBackwardKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> dMean, ArrayView<float> dVariance,
        ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> dx,
        ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormGeometry g, int stride)
    {
        for (int c = thread; c < g.Channels; c += stride)
        {
            float m = mean[c], centred = 0f, sumDy = 0f, sumProduct = 0f;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++)
                {
                    float d = x[plane + i] - m, gradient = dy[plane + i];
                    centred += d;
                    sumDy += gradient;
                    sumProduct += gradient * d;
                }
            }
            float r = centred / g.N, invStd = 1f / MathF.Sqrt(variance[c] + g.Eps);
            float gammaGrad = (sumProduct - r * sumDy) * invStd;
            dBeta[c] = sumDy;
            dGamma[c] = gammaGrad;
            float a = gamma[c] * invStd;
            float b = 2f * dVariance[c] / g.N - a * invStd * gammaGrad / g.N;
            float shift = dMean[c] / g.N - a * sumDy / g.N;
            for (int o = 0; o < g.Outer; o++)
            {
                long plane = ((long)o * g.Channels + c) * g.Inner;
                for (int i = 0; i < g.Inner; i++) dx[plane + i] = dy[plane + i] * a + (x[plane + i] - m - r) * b + shift;
            }
        }
    }
}
