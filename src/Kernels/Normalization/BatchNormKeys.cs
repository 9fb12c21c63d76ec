namespace Trainer.Kernels.Normalization;

/// <summary>
/// The kernel-table keys of training-mode batch normalisation, fused: one kernel each way over a float32 tensor viewed as
/// [outer, C, inner] (NCHW: outer N, inner H·W; [N, C]: inner 1), each channel's n = outer·inner values normalised
/// together. <see cref="Device.KernelCall.Scalar"/> is eps. With invstd = 1/√(var + eps):
/// </summary>
public static class BatchNormKeys
{
    /// <summary>
    /// Inputs x [outer, C, inner...], gamma [C], beta [C]; outputs y (x's shape), mean [C] and the biased variance
    /// var [C] = Σ(x − mean)²/n. y = (x − mean)·(gamma·invstd) + beta. Statistics first (Σx, then Σ(x − mean) and
    /// Σ(x − mean)², each summed in a fixed order), then the output, centred as (x − mean) − Σ(x − mean)/n to undo the
    /// float mean's rounding: the result does not depend on the thread count.
    /// </summary>
    public const string Forward = "batch_norm.forward";

    /// <summary>
    /// Inputs dy (x's shape), dmean [C], dvar [C] (the gradients of the forward kernel's statistics outputs, zeros when
    /// nothing flowed into them), x, gamma, mean, var; outputs dx (x's shape), dgamma [C] and dbeta [C]. The sums
    /// first, dbeta = Σdy and dgamma = Σdy·(x − mean)·invstd, then
    /// dx = a·dy + b·(x − mean) + d with a = gamma·invstd, b = 2·dvar/n − a·invstd·dgamma/n, d = dmean/n − a·dbeta/n,
    /// x − mean centred as the forward kernel centres it.
    /// </summary>
    public const string Backward = "batch_norm.backward";
}
