using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The checks of the fused batch-normalisation kernels against <see cref="BatchNormReference"/> (float64 loops) within
/// <see cref="BatchNormErrorBounds"/>, every output and its guard: an NCHW tensor of 65 channels with odd 7×7 planes (16-float
/// vectors and a tail), and a 63-feature [N, C] one (one value per plane, BatchNorm1d's case).
/// </summary>
public static partial class KernelSelfTest
{
    [SelfTestChecks]
    private static void AddBatchNormChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        foreach (int[] shape in new[] { new[] { 7, 65, 7, 7 }, [257, 63] })
        {
            string dims = string.Join("x", shape);
            add($"{BatchNormKeys.Forward} {dims}", (b, r) => CheckBatchNorm(b, r, shape, backward: false));
            add($"{BatchNormKeys.Backward} {dims}", (b, r) => CheckBatchNorm(b, r, shape, backward: true));
        }
    }

    private static SelfTestResult CheckBatchNorm(IKernelBackend backend, Random rng, int[] shape, bool backward)
    {
        const float eps = 1e-5f;
        int channels = shape[1], count = (int)KernelCall.ElementCount(shape);
        var x = Uniform(rng, count, -1f, 3f);
        var gamma = Uniform(rng, channels, 0.5f, 2f);
        var beta = Uniform(rng, channels);
        var dy = Uniform(rng, count);
        var dMean = Uniform(rng, channels);
        var dVariance = Uniform(rng, channels);
        var reference = BatchNormReference.Compute(shape, eps, x, gamma, beta, dy, dMean, dVariance);
        using var buffers = new Buffers(backend);
        int[] column = [channels];
        if (!backward)
        {
            DeviceBuffer y = buffers.Output(count), mean = buffers.Output(channels), variance = buffers.Output(channels);
            var launch = backend.Kernels.Bind(BatchNormKeys.Forward, new KernelCall([buffers.Put(x), buffers.Put(gamma), buffers.Put(beta)],
                [shape, column, column], [y, mean, variance], [shape, column, column]) { Scalar = eps });
            double ms = Time(backend, launch);
            return FirstFailure(
                ("y", CompareOutput(buffers, y, count, reference.Y, i => reference.YBound[i], ms)),
                ("mean", CompareOutput(buffers, mean, channels, reference.Mean, c => reference.MeanBound[c], ms)),
                ("variance", CompareOutput(buffers, variance, channels, reference.Variance, c => reference.VarianceBound[c], ms)));
        }
        DeviceBuffer dx = buffers.Output(count), dGamma = buffers.Output(channels), dBeta = buffers.Output(channels);
        var inputs = new[]
        {
            buffers.Put(dy), buffers.Put(dMean), buffers.Put(dVariance), buffers.Put(x), buffers.Put(gamma),
            buffers.Put(Array.ConvertAll(reference.Mean, v => (float)v)), buffers.Put(Array.ConvertAll(reference.Variance, v => (float)v)),
        };
        var grad = backend.Kernels.Bind(BatchNormKeys.Backward, new KernelCall(inputs, [shape, column, column, shape, column, column, column],
            [dx, dGamma, dBeta], [shape, column, column]) { Scalar = eps });
        double gradMs = Time(backend, grad);
        return FirstFailure(
            ("dx", CompareOutput(buffers, dx, count, reference.Dx, i => reference.DxBound[i], gradMs)),
            ("dgamma", CompareOutput(buffers, dGamma, channels, reference.DGamma, c => reference.DGammaBound[c], gradMs)),
            ("dbeta", CompareOutput(buffers, dBeta, channels, reference.DBeta, c => reference.DBetaBound[c], gradMs)));
    }

    /// <summary>The first failing result, its detail naming the output; the first result when all pass.</summary>
    private static SelfTestResult FirstFailure(params (string Output, SelfTestResult Result)[] results)
    {
        foreach (var (output, result) in results)
            if (!result.Passed) return result with { Detail = $"{output}: {result.Detail}" };
        return results[0].Result;
    }
}
