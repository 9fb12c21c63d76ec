namespace Trainer.Kernels.SelfTest;

/// <summary>
/// Float32 rounding-error bounds against a float64 reference, one per kind of kernel. The kernel
/// tests and <see cref="KernelSelfTest"/> use the same formulas, so a kernel that passes one passes
/// the other. Every bound scales with the magnitude of what was summed, not with a fixed epsilon.
/// </summary>
public static class ErrorBounds
{
    /// <summary>Unit roundoff of float32 (round to nearest): 2^-24.</summary>
    public const double U = 1.0 / (1 << 24);

    /// <summary>
    /// Higham's γ_n = n·u / (1 − n·u): |fl(Σ_{p&lt;n} x_p) − Σ x_p| ≤ γ_{n−1} Σ|x_p| for recursive
    /// summation, and a dot product of length n with one rounding per product and per add is
    /// within γ_n Σ|a_p b_p| of the exact value.
    /// </summary>
    public static double Gamma(int n) => n * U / (1 - n * U);

    /// <summary>
    /// A GEMM output: a float32 dot product of length K plus the bias as one more term, summed in
    /// order, so |got − exact| ≤ γ_{K+1}·(Σ_p |a_ip b_pj| + |bias_j|) = γ_{K+1}·<paramref name="magnitude"/>
    /// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). ReLU is 1-Lipschitz and the
    /// mask decision uses the same float32 mask on both sides, so the bound survives the epilogue.
    /// A single wrong or missing term (|a_ip b_pj| ≈ Σ/K) exceeds it.
    /// </summary>
    public static double Gemm(int k, double magnitude) => Gamma(k + 1) * magnitude;

    /// <summary>One float32 operation rounded to nearest: |error| ≤ u·|exact result|.</summary>
    public static double OneRounding(double exact) => U * Math.Abs(exact);

    /// <summary>Recursive float32 summation of <paramref name="terms"/> values: γ_terms·Σ|x| (γ_{n−1} suffices; n is slack).</summary>
    public static double Sum(int terms, double magnitude) => Gamma(terms) * magnitude;

    /// <summary>
    /// Softmax cross-entropy loss (mean over B rows of C classes). Per row, float32 computes
    /// log(Σ_j exp(x_j − max)) − (x_label − max): the sum of C terms in (0,1] is within about
    /// (C+2)u relative (each exp ~1 ulp plus C adds), which log turns into (C+2)u absolute, plus
    /// u·|row loss| from the final subtraction. The mean then sums B row values (γ_B relative to
    /// the sum of magnitudes) and divides. So |error| ≤ 4u·((C + 4) + (B + 2)·mean|row loss|),
    /// a factor 4 of slack over the estimate.
    /// </summary>
    public static double SoftmaxCrossEntropyLoss(IReadOnlyCollection<double> rowLosses, int classes) =>
        4 * U * ((classes + 4) + (rowLosses.Count + 2) * rowLosses.Average(Math.Abs));

    /// <summary>
    /// Each softmax cross-entropy gradient entry (p − onehot)·dloss/B. p = exp(x − max)/Σ has
    /// relative error ~(C+4)u from the exps, the sum and the division; rounding x − max perturbs p
    /// by at most u·|x − max|·p ≤ u/e absolutely. So |error| ≤ 4u·(C + 8)·|dloss/B|, factor 4 of slack.
    /// </summary>
    public static double SoftmaxCrossEntropyGradient(int rows, int classes, double dloss) =>
        4 * U * (classes + 8) * Math.Abs(dloss / rows);

    /// <summary>SGD: float32 computes fl(p − fl(lr·g)): |error| ≤ u·|lr·g|·(1+u) + u·|result| ≤ 2u·(|p| + |lr·g|).</summary>
    public static double Sgd(float parameter, float gradient, float learningRate) =>
        2 * U * (Math.Abs(parameter) + Math.Abs((double)learningRate * gradient));

    /// <summary>
    /// The weight-decayed gradient fl(g + fl(w·p)) against g + w·p: two roundings, none without decay.
    /// </summary>
    public static double DecayedGradient(float gradient, float weightDecay, float parameter) =>
        weightDecay == 0 ? 0 : 2 * U * (Math.Abs((double)gradient) + Math.Abs((double)weightDecay * parameter));

    private static double Decayed(float gradient, float weightDecay, float parameter) => gradient + (double)weightDecay * parameter;

    /// <summary>Momentum's accumulation: fl(fl(a·m) + g̃) with g̃ the (decayed) gradient, two roundings plus g̃'s own error.</summary>
    public static double MomentumAccumulation(float accumulation, float gradient, float momentum, float weightDecay = 0, float parameter = 0) =>
        2 * U * (Math.Abs((double)accumulation * momentum) + Math.Abs(Decayed(gradient, weightDecay, parameter))) +
        DecayedGradient(gradient, weightDecay, parameter);

    /// <summary>
    /// Momentum's parameter: fl(p − fl(lr·â)) with â the rounded accumulation, so the SGD bound plus
    /// lr times the accumulation's error.
    /// </summary>
    public static double MomentumParameter(float parameter, float accumulation, float gradient, float learningRate, float momentum, float weightDecay = 0)
    {
        double a = Math.Abs((double)accumulation * momentum) + Math.Abs(Decayed(gradient, weightDecay, parameter));
        return 2 * U * (Math.Abs(parameter) + Math.Abs((double)learningRate) * a) +
            Math.Abs((double)learningRate) * MomentumAccumulation(accumulation, gradient, momentum, weightDecay, parameter);
    }

    /// <summary>Adam's first moment fl(m + fl(fl(g̃ − m)·(1 − β₁))): three roundings, plus (1 − β₁) times g̃'s error.</summary>
    public static double AdamM(float m, float gradient, float beta1, float weightDecay = 0, float parameter = 0)
    {
        double g = Decayed(gradient, weightDecay, parameter);
        return 3 * U * (Math.Abs((double)m) + (1 - (double)beta1) * (Math.Abs(g) + Math.Abs((double)m)) * 2) +
            (1 - (double)beta1) * DecayedGradient(gradient, weightDecay, parameter);
    }

    /// <summary>Adam's second moment fl(v + fl(fl(fl(g̃·g̃) − v)·(1 − β₂))): four roundings, plus g̃'s error through g̃².</summary>
    public static double AdamV(float v, float gradient, float beta2, float weightDecay = 0, float parameter = 0)
    {
        double g = Decayed(gradient, weightDecay, parameter), e = DecayedGradient(gradient, weightDecay, parameter);
        return 4 * U * (Math.Abs((double)v) + (1 - (double)beta2) * (g * g + Math.Abs((double)v)) * 2) +
            (1 - (double)beta2) * (2 * Math.Abs(g) * e + e * e);
    }

    /// <summary>
    /// Adam's parameter p − lr_t·m/(√v + ε). lr_t carries the rounding of βᵢᵗ = fl(power·βᵢ) amplified
    /// by the cancellation in 1 − βᵢᵗ (relative u·βᵢᵗ/(1 − βᵢᵗ), halved under the square root), plus
    /// a few roundings; the quotient adds m's and the denominator's errors; the subtraction one more.
    /// Twice that sum, because each first-order term is bounded loosely.
    /// </summary>
    public static double AdamParameter(float parameter, float m, float v, float gradient, float beta1Power, float beta2Power,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay = 0)
    {
        double b1t = (double)beta1Power * beta1, b2t = (double)beta2Power * beta2;
        double step = learningRate * Math.Sqrt(1 - b2t) / (1 - b1t);
        double relStep = U * (5 + b1t / (1 - b1t) + 0.5 * b2t / (1 - b2t));
        double g = Decayed(gradient, weightDecay, parameter);
        double mNew = m + (g - m) * (1 - (double)beta1), vNew = v + (g * g - v) * (1 - (double)beta2);
        double root = Math.Sqrt(Math.Max(vNew, 0));
        double den = root + epsilon;
        double errV = AdamV(v, gradient, beta2, weightDecay, parameter);
        double errRoot = (root > 0 ? 0.5 * errV / root : Math.Sqrt(errV)) + U * root;
        double errDen = errRoot + U * den;
        double term = Math.Abs(step * mNew / den);
        double errTerm = term * (relStep + 3 * U) + Math.Abs(step) * AdamM(m, gradient, beta1, weightDecay, parameter) / den + term * errDen / den;
        return 2 * (errTerm + U * (Math.Abs((double)parameter) + term));
    }

    /// <summary>
    /// Image normalize: float32 computes fl(fl(fl(x·scale) + shift) − mean) / std, four roundings.
    /// The error before the division is at most 3u·(|x·scale| + |shift| + |mean|) (each rounding is
    /// at most u times a partial result bounded by that sum); the division adds u·|result|. Factor 2 slack.
    /// </summary>
    public static double ImageNormalize(byte pixel, float scale, float shift, float mean, float std, double exact) =>
        2 * (3 * U * (Math.Abs(pixel * (double)scale) + Math.Abs(shift) + Math.Abs(mean)) / std + U * Math.Abs(exact));
}
