namespace Trainer.Kernels.Ops;

/// <summary>
/// The index arithmetic every convolution input gradient shares: which output position, if any,
/// reads input position <c>i</c> through kernel tap <c>k</c> (o·stride − pad + k = i). A pure
/// function, usable in ILGPU kernels.
/// </summary>
public static class ConvTap
{
    /// <summary>The output position o with o·<paramref name="stride"/> − <paramref name="pad"/> + <paramref name="k"/> = <paramref name="i"/>, or −1 when there is none in [0, <paramref name="outputs"/>).</summary>
    public static int Output(int i, int k, int stride, int pad, int outputs)
    {
        int t = i + pad - k;
        if (t < 0 || t % stride != 0) return -1;
        int o = t / stride;
        return o < outputs ? o : -1;
    }
}
