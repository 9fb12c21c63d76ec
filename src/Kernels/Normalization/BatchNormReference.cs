namespace Trainer.Kernels.Normalization;

/// <summary>
/// Training-mode batch normalisation in float64, forward and backward, written as plain loops over [outer, C, inner], with
/// each output's float32 error bound (<see cref="BatchNormErrorBounds"/>): what the self-test and the kernel tests compare
/// the <see cref="BatchNormKeys"/> kernels with. The backward is the gradient of L = Σdy·y + Σdmean·mean + Σdvar·var.
/// </summary>
internal sealed class BatchNormReference
{
    /// <summary>y, x's shape.</summary>
    public required double[] Y { get; init; }
    /// <summary>Per-channel mean.</summary>
    public required double[] Mean { get; init; }
    /// <summary>Per-channel biased variance.</summary>
    public required double[] Variance { get; init; }
    /// <summary>dx, x's shape.</summary>
    public required double[] Dx { get; init; }
    /// <summary>dgamma.</summary>
    public required double[] DGamma { get; init; }
    /// <summary>dbeta.</summary>
    public required double[] DBeta { get; init; }
    /// <summary>Bounds on the float32 kernels' error, one per value of <see cref="Y"/>.</summary>
    public required double[] YBound { get; init; }
    /// <summary>Bounds for <see cref="Mean"/>.</summary>
    public required double[] MeanBound { get; init; }
    /// <summary>Bounds for <see cref="Variance"/>.</summary>
    public required double[] VarianceBound { get; init; }
    /// <summary>Bounds for <see cref="Dx"/>.</summary>
    public required double[] DxBound { get; init; }
    /// <summary>Bounds for <see cref="DGamma"/>.</summary>
    public required double[] DGammaBound { get; init; }
    /// <summary>Bounds for <see cref="DBeta"/>.</summary>
    public required double[] DBetaBound { get; init; }

    /// <summary>Both directions for x of <paramref name="shape"/> ([N, C, ...]) and the per-channel gamma, beta, dmean, dvar.</summary>
    public static BatchNormReference Compute(int[] shape, float eps, float[] x, float[] gamma, float[] beta, float[] dy, float[] dMean, float[] dVariance)
    {
        var g = BatchNormGeometry.Of(shape, eps);
        int channels = g.Channels, n = g.Outer * g.Inner;
        long count = g.Count;
        double[] y = new double[count], dx = new double[count], yBound = new double[count], dxBound = new double[count];
        double[] mean = new double[channels], variance = new double[channels], dGamma = new double[channels], dBeta = new double[channels];
        double[] meanBound = new double[channels], varianceBound = new double[channels], dGammaBound = new double[channels], dBetaBound = new double[channels];
        IEnumerable<long> Channel(int c)
        {
            for (int o = 0; o < g.Outer; o++)
                for (int i = 0; i < g.Inner; i++)
                    yield return ((long)o * channels + c) * g.Inner + i;
        }
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, meanAbs = 0;
            foreach (long e in Channel(c)) { sum += x[e]; meanAbs += Math.Abs(x[e]); }
            double m = sum / n;
            meanAbs /= n;
            double squares = 0, spreadSquares = 0;
            foreach (long e in Channel(c))
            {
                squares += (x[e] - m) * (x[e] - m);
                spreadSquares += (Math.Abs(x[e] - m) + meanAbs) * (Math.Abs(x[e] - m) + meanAbs);
            }
            double v = squares / n, invStd = 1 / Math.Sqrt(v + eps);
            mean[c] = m;
            variance[c] = v;
            meanBound[c] = BatchNormErrorBounds.Mean(n, meanAbs);
            varianceBound[c] = BatchNormErrorBounds.Variance(n, spreadSquares / n);
            double sumDy = 0, sumProduct = 0, sumAbsDy = 0, sumAbsDySpread = 0;
            foreach (long e in Channel(c))
            {
                y[e] = (x[e] - m) * gamma[c] * invStd + beta[c];
                yBound[e] = BatchNormErrorBounds.Output(n, gamma[c], invStd, x[e] - m, meanAbs, y[e], beta[c]);
                sumDy += dy[e];
                sumProduct += dy[e] * (x[e] - m);
                sumAbsDy += Math.Abs(dy[e]);
                sumAbsDySpread += Math.Abs(dy[e]) * (Math.Abs(x[e] - m) + meanAbs);
            }
            dBeta[c] = sumDy;
            dGamma[c] = sumProduct * invStd;
            dBetaBound[c] = BatchNormErrorBounds.BetaGradient(n, sumAbsDy);
            dGammaBound[c] = BatchNormErrorBounds.GammaGradient(n, invStd, sumAbsDySpread);
            double a = gamma[c] * invStd;
            double b = 2 * dVariance[c] / n - a * invStd * dGamma[c] / n;
            double d = dMean[c] / n - a * dBeta[c] / n;
            foreach (long e in Channel(c))
            {
                dx[e] = a * dy[e] + b * (x[e] - m) + d;
                dxBound[e] = BatchNormErrorBounds.InputGradient(n, a, invStd, dy[e], Math.Abs(x[e] - m) + meanAbs, sumAbsDy, sumAbsDySpread,
                    dMean[c], dVariance[c]);
            }
        }
        return new BatchNormReference
        {
            Y = y, Mean = mean, Variance = variance, Dx = dx, DGamma = dGamma, DBeta = dBeta,
            YBound = yBound, MeanBound = meanBound, VarianceBound = varianceBound, DxBound = dxBound, DGammaBound = dGammaBound, DBetaBound = dBetaBound,
        };
    }
}
