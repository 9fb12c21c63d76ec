using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Normalization;

/// <summary>
/// Float32 error bounds of the <see cref="BatchNormKeys"/> kernels against a float64 reference, per element, shared by the
/// kernel tests and the self-test. A channel's n values are summed recursively in the worst case (γ_n·Σ|term|); the mean's
/// error, at most γ_{n+1}·mean|x|, shifts every centred value, so each bound measures |x − mean| plus mean|x|; invstd
/// inherits half the variance's relative error plus two roundings; the elementwise tail adds a few roundings. Each bound
/// is that first-order estimate with a factor 4 of slack; a missing or wrong term (the mean of dy, the biased variance at
/// small n) is far above it.
/// </summary>
internal static class BatchNormErrorBounds
{
    /// <summary>
    /// y = (x − mean)·gamma·invstd + beta: 4·(γ_{n+4}·|gamma|·invstd·(|x − mean| + mean|x|) + 2u·(|y| + |beta|)).
    /// </summary>
    public static double Output(int n, double gamma, double invStd, double centred, double meanAbs, double y, double beta) =>
        4 * (ErrorBounds.Gamma(n + 4) * Math.Abs(gamma) * invStd * (Math.Abs(centred) + meanAbs) + 2 * ErrorBounds.U * (Math.Abs(y) + Math.Abs(beta)));

    /// <summary>The mean: 4·γ_{n+1}·mean|x|.</summary>
    public static double Mean(int n, double meanAbs) => 4 * ErrorBounds.Gamma(n + 1) * meanAbs;

    /// <summary>The biased variance: 4·γ_{n+4}·mean((|x − mean| + mean|x|)²).</summary>
    public static double Variance(int n, double meanSquaredSpread) => 4 * ErrorBounds.Gamma(n + 4) * meanSquaredSpread;

    /// <summary>dbeta = Σdy: 4·γ_n·Σ|dy|.</summary>
    public static double BetaGradient(int n, double sumAbsDy) => 4 * ErrorBounds.Gamma(n) * sumAbsDy;

    /// <summary>dgamma = Σdy·(x − mean)·invstd: 4·γ_{n+4}·invstd·Σ|dy|·(|x − mean| + mean|x|).</summary>
    public static double GammaGradient(int n, double invStd, double sumAbsDySpread) => 4 * ErrorBounds.Gamma(n + 4) * invStd * sumAbsDySpread;

    /// <summary>
    /// dx = a·dy + b·(x − mean) + d: 4·γ_{n+8} times the sum of the terms' magnitudes, |a·dy|, |a|·Σ|dy|/n,
    /// |a|·invstd²·(|x − mean| + mean|x|)·Σ|dy|·(|x − mean| + mean|x|)/n, 2|dvar|·(|x − mean| + mean|x|)/n and |dmean|/n.
    /// </summary>
    public static double InputGradient(int n, double a, double invStd, double dy, double spread, double sumAbsDy, double sumAbsDySpread,
        double dMean, double dVariance) =>
        4 * ErrorBounds.Gamma(n + 8) * (Math.Abs(a * dy) + Math.Abs(a) * sumAbsDy / n + Math.Abs(a) * invStd * invStd * spread * sumAbsDySpread / n
                                        + 2 * Math.Abs(dVariance) * spread / n + Math.Abs(dMean) / n);
}
