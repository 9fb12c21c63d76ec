using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Kernels.Tests.Normalization;

/// <summary>
/// The fused batch-normalisation kernels on every backend at awkward sizes (one sample, 7, 63 and 65 channels, 1×1, 7×7 and
/// odd planes, [N, C]) against float64 loops (<see cref="BatchNormReference"/>, itself checked against finite differences
/// here) within <see cref="BatchNormErrorBounds"/>, writing nothing past their outputs; and the native kernels' bits do not
/// depend on the thread count.
/// </summary>
public sealed class BatchNormKernelTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private const float Eps = 1e-5f;

    private static readonly int[][] Shapes = [[1, 7, 7, 7], [7, 65, 3, 5], [65, 63, 1, 1], [2, 3, 17, 17], [63, 65], [7, 1]];

    private sealed record Case(int[] Shape, float[] X, float[] Gamma, float[] Beta, float[] Dy, float[] DMean, float[] DVariance)
    {
        public int Count => (int)KernelCall.ElementCount(Shape);
        public int Channels => Shape[1];

        public static Case Draw(int[] shape, int seed)
        {
            var rng = TestData.Rng([.. shape, seed]);
            int count = (int)KernelCall.ElementCount(shape), channels = shape[1];
            return new Case(shape, TestData.Uniform(rng, count, -1f, 3f), TestData.Uniform(rng, channels, 0.5f, 2f), TestData.Uniform(rng, channels),
                TestData.Uniform(rng, count), TestData.Uniform(rng, channels), TestData.Uniform(rng, channels));
        }

        public BatchNormReference Reference() => BatchNormReference.Compute(Shape, Eps, X, Gamma, Beta, Dy, DMean, DVariance);
    }

    private const int Guard = 3;

    /// <summary>y, mean and var from the forward kernel, each checked for writes past its end.</summary>
    private static (float[] Y, float[] Mean, float[] Variance) Forward(IKernelBackend backend, Case c)
    {
        int[] column = [c.Channels];
        using var x = backend.Put(c.X);
        using var gamma = backend.Put(c.Gamma);
        using var beta = backend.Put(c.Beta);
        using var y = backend.Filled(c.Count + Guard, float.NaN);
        using var mean = backend.Filled(c.Channels + Guard, float.NaN);
        using var variance = backend.Filled(c.Channels + Guard, float.NaN);
        backend.Kernels.Bind(BatchNormKeys.Forward, new KernelCall([x, gamma, beta], [c.Shape, column, column], [y, mean, variance],
            [c.Shape, column, column]) { Scalar = Eps })!();
        return (Read(backend, y, c.Count, "y"), Read(backend, mean, c.Channels, "mean"), Read(backend, variance, c.Channels, "variance"));
    }

    /// <summary>dx, dgamma and dbeta from the backward kernel given the forward's statistics.</summary>
    private static (float[] Dx, float[] DGamma, float[] DBeta) Backward(IKernelBackend backend, Case c, float[] meanIn, float[] varianceIn)
    {
        int[] column = [c.Channels];
        using var dy = backend.Put(c.Dy);
        using var dMean = backend.Put(c.DMean);
        using var dVariance = backend.Put(c.DVariance);
        using var x = backend.Put(c.X);
        using var gamma = backend.Put(c.Gamma);
        using var mean = backend.Put(meanIn);
        using var variance = backend.Put(varianceIn);
        using var dx = backend.Filled(c.Count + Guard, float.NaN);
        using var dGamma = backend.Filled(c.Channels + Guard, float.NaN);
        using var dBeta = backend.Filled(c.Channels + Guard, float.NaN);
        backend.Kernels.Bind(BatchNormKeys.Backward, new KernelCall([dy, dMean, dVariance, x, gamma, mean, variance],
            [c.Shape, column, column, c.Shape, column, column, column], [dx, dGamma, dBeta], [c.Shape, column, column]) { Scalar = Eps })!();
        return (Read(backend, dx, c.Count, "dx"), Read(backend, dGamma, c.Channels, "dgamma"), Read(backend, dBeta, c.Channels, "dbeta"));
    }

    private static float[] Read(IKernelBackend backend, DeviceBuffer buffer, int count, string what)
    {
        var got = backend.Floats(buffer, count + Guard);
        Close.Untouched(got, count, count + Guard, float.NaN, $"the kernel wrote past {what}");
        return got[..count];
    }

    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void Forward_and_backward_match_float64_loops_at_awkward_sizes(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (var shape in backendName == BackendFixture.OpenClPocl ? Shapes[1..2] : Shapes) // PoCL: each launch costs much
        {
            var c = Case.Draw(shape, 1);
            var r = c.Reference();
            string at = $"{backendName} [{string.Join(",", shape)}]";
            var (y, mean, variance) = Forward(backend, c);
            Close.All(r.Y, y, i => r.YBound[i], $"{at} y");
            Close.All(r.Mean, mean, i => r.MeanBound[i], $"{at} mean");
            Close.All(r.Variance, variance, i => r.VarianceBound[i], $"{at} variance");
            var (dx, dGamma, dBeta) = Backward(backend, c, mean, variance);
            Close.All(r.Dx, dx, i => r.DxBound[i], $"{at} dx");
            Close.All(r.DGamma, dGamma, i => r.DGammaBound[i], $"{at} dgamma");
            Close.All(r.DBeta, dBeta, i => r.DBetaBound[i], $"{at} dbeta");
        }
    }

    /// <summary>
    /// The float64 reference's backward is the gradient of L = Σdy·y + Σdmean·mean + Σdvar·var: central differences of its
    /// forward in float64 (a step of 1/1024 of the value, truncation error about 1e-5 here) agree within 1e-3·(1 + |value|) with
    /// every dx and dgamma, and dbeta (L is linear in beta) to 1e-9.
    /// </summary>
    [Theory]
    [InlineData(1, 2, 3, 3)]
    [InlineData(7, 3, 1, 1)]
    [InlineData(3, 2, 1, 5)]
    public void The_reference_gradient_matches_finite_differences(int n, int channels, int h, int w)
    {
        int[] shape = [n, channels, h, w];
        var c = Case.Draw(shape, 2);
        var r = c.Reference();
        double Loss(float[] x, float[] gamma, float[] beta)
        {
            var f = BatchNormReference.Compute(shape, Eps, x, gamma, beta, c.Dy, c.DMean, c.DVariance);
            double sum = 0;
            for (int i = 0; i < f.Y.Length; i++) sum += c.Dy[i] * f.Y[i];
            for (int k = 0; k < channels; k++) sum += c.DMean[k] * f.Mean[k] + c.DVariance[k] * f.Variance[k];
            return sum;
        }
        // The reference takes float32 inputs, so difference with a step a float32 holds exactly around each value.
        double Derivative(float[] values, int i, Func<double> loss)
        {
            float saved = values[i];
            float step = Math.Max(Math.Abs(saved), 1f) * (1f / 1024);
            values[i] = saved + step;
            double up = loss();
            values[i] = saved - step;
            double down = loss();
            values[i] = saved;
            return (up - down) / ((double)(saved + step) - (saved - step));
        }
        var x = (float[])c.X.Clone();
        var gamma = (float[])c.Gamma.Clone();
        var beta = (float[])c.Beta.Clone();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(r.Dx[i], Derivative(x, i, () => Loss(x, gamma, beta)), 1e-3 * (1 + Math.Abs(r.Dx[i])));
        for (int k = 0; k < channels; k++)
        {
            Assert.Equal(r.DGamma[k], Derivative(gamma, k, () => Loss(x, gamma, beta)), 1e-3 * (1 + Math.Abs(r.DGamma[k])));
            Assert.Equal(r.DBeta[k], Derivative(beta, k, () => Loss(x, gamma, beta)), 1e-9 * (1 + Math.Abs(r.DBeta[k])));
        }
    }

    [Fact]
    public void Native_results_do_not_depend_on_the_thread_count()
    {
        foreach (var shape in new[] { new[] { 64, 16, 28, 28 }, [257, 65] })
        {
            var c = Case.Draw(shape, 3);
            var one = backends.Get(BackendFixture.NativeOneThread);
            var three = backends.Get(BackendFixture.NativeThreeThreads);
            var (y1, m1, v1) = Forward(one, c);
            var (y3, m3, v3) = Forward(three, c);
            string at = $"[{string.Join(",", shape)}] 3 threads against 1";
            Close.Bitwise(y1, y3, $"{at} y");
            Close.Bitwise(m1, m3, $"{at} mean");
            Close.Bitwise(v1, v3, $"{at} variance");
            var (dx1, dg1, db1) = Backward(one, c, m1, v1);
            var (dx3, dg3, db3) = Backward(three, c, m1, v1);
            Close.Bitwise(dx1, dx3, $"{at} dx");
            Close.Bitwise(dg1, dg3, $"{at} dgamma");
            Close.Bitwise(db1, db3, $"{at} dbeta");
        }
    }
}
