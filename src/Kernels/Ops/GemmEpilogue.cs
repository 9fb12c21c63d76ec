namespace Trainer.Kernels.Ops;

/// <summary>
/// What a GEMM does to each accumulated value before it stores it. Applied in this order:
/// add bias[j], ReLU, multiply by (mask[i,j] &gt; 0) (the ReLU backward of the layer whose output
/// is the mask). Fusing these saves a launch and a round trip through memory per op.
/// </summary>
public readonly struct GemmEpilogue
{
    public const int BiasFlag = 1, ReluFlag = 2, MaskFlag = 4;

    public readonly int Flags;

    public GemmEpilogue(int flags) => Flags = flags;

    public static GemmEpilogue None => new(0);

    public bool HasBias => (Flags & BiasFlag) != 0;
    public bool HasRelu => (Flags & ReluFlag) != 0;
    public bool HasMask => (Flags & MaskFlag) != 0;

    public override string ToString()
    {
        var parts = new List<string>();
        if (HasBias) parts.Add("bias");
        if (HasRelu) parts.Add("relu");
        if (HasMask) parts.Add("relu-mask");
        return parts.Count == 0 ? "none" : string.Join("+", parts);
    }
}
