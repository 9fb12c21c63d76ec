namespace Trainer.Kernels.Ops;

/// <summary>
/// What a GEMM does to each accumulated value before it stores it. Applied in this order:
/// add bias[j], ReLU, multiply by (mask[i,j] &gt; 0) (the ReLU backward of the layer whose output
/// is the mask). Fusing these saves a launch and a round trip through memory per op.
/// <para>Or, alone, an SGD update: C is a parameter and the result is its gradient, so the GEMM
/// stores C[i,j] − lr·acc (as fl(C − fl(lr·acc)), the SGD kernel's arithmetic) and the gradient
/// is never written to memory. The learning rate is a device value: the GEMM's bias operand is then
/// the optimizer's hyperparameter block, read when the GEMM runs.</para>
/// </summary>
public readonly struct GemmEpilogue
{
    /// <summary>The bits of <see cref="Flags"/>: add the bias, apply ReLU, apply the ReLU-backward mask, or the SGD update alone.</summary>
    public const int BiasFlag = 1, ReluFlag = 2, MaskFlag = 4, SgdFlag = 8;

    /// <summary>Which steps apply, a combination of the *Flag constants.</summary>
    public readonly int Flags;

    /// <summary>
    /// The learning rate of the <see cref="SgdFlag"/> epilogue once a backend has read it from the
    /// hyperparameter block at launch (the native CPU backend passes it to its microkernels this way); 0 as callers make it.
    /// </summary>
    public readonly float LearningRate;

    /// <summary>The steps in <paramref name="flags"/>.</summary>
    public GemmEpilogue(int flags) => Flags = flags;

    /// <summary>The steps in <paramref name="flags"/> with the learning rate of the SGD update.</summary>
    public GemmEpilogue(int flags, float learningRate)
    {
        Flags = flags;
        LearningRate = learningRate;
    }

    /// <summary>Store the plain product.</summary>
    public static GemmEpilogue None => new(0);

    /// <summary>C ← C − lr·(A·B), lr read from the hyperparameter block passed as the bias: the GEMM that makes a weight gradient applies it.</summary>
    public static GemmEpilogue Sgd() => new(SgdFlag);

    /// <summary>Whether bias[j] is added.</summary>
    public bool HasBias => (Flags & BiasFlag) != 0;
    /// <summary>Whether ReLU is applied.</summary>
    public bool HasRelu => (Flags & ReluFlag) != 0;
    /// <summary>Whether the value is zeroed where mask[i,j] is not positive.</summary>
    public bool HasMask => (Flags & MaskFlag) != 0;
    /// <summary>Whether the GEMM applies an SGD update to C instead of storing the product.</summary>
    public bool HasSgd => (Flags & SgdFlag) != 0;

    /// <summary>The steps joined by <c>+</c> (e.g. <c>bias+relu</c>), or <c>none</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (HasBias) parts.Add("bias");
        if (HasRelu) parts.Add("relu");
        if (HasMask) parts.Add("relu-mask");
        if (HasSgd) parts.Add("sgd");
        return parts.Count == 0 ? "none" : string.Join("+", parts);
    }
}
