namespace Trainer.Kernels.Rng;

/// <summary>The kernel-table keys of dropout's kernels (<see cref="DropoutMask"/> says which elements they keep).</summary>
public static class DropoutKeys
{
    /// <summary>
    /// Inputs x (float32, any shape) and the state (float32 [<see cref="DropoutMask.StateLength"/>]); outputs y (x's
    /// shape) and the next state (the same seed, the step plus one). y[i] = x[i]·factor(i) drawn at the next state's
    /// step. <see cref="Device.KernelCall.Scalar"/> is p.
    /// </summary>
    public const string Dropout = "random.dropout";

    /// <summary>
    /// Inputs dy and the state the forward kernel returned; output dx = dy[i]·factor(i) at that state's step: the same
    /// mask, recomputed rather than stored. <see cref="Device.KernelCall.Scalar"/> is p.
    /// </summary>
    public const string DropoutGrad = "random.dropout_grad";
}
