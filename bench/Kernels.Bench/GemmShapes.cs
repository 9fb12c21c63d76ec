using System.Globalization;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The eight GEMMs of one training step of the 784-512-512-10 MLP at batch 64, written
/// "layout MxNxK" (nt: B transposed, the forward X·Wᵀ; nn: dX = dY·W; tn: dW = dYᵀ·X).
/// </summary>
public static class GemmShapes
{
    public static readonly IReadOnlyList<string> All =
    [
        "nt 64x512x784",  // layer 1 forward
        "nt 64x512x512",  // layer 2 forward
        "nt 64x10x512",   // layer 3 forward
        "nn 64x512x10",   // dH2 = dY·W3
        "nn 64x512x512",  // dH1 = dH2·W2
        "tn 10x512x64",   // dW3 = dYᵀ·H2
        "tn 512x512x64",  // dW2 = dH2ᵀ·H1
        "tn 512x784x64",  // dW1 = dH1ᵀ·X
    ];

    /// <summary>
    /// The one shape at which the tiled GEMM is benchmarked on the CPU accelerator: it needs groups
    /// of 256 simulated threads there, and every shared-memory barrier costs a round of 256
    /// thread hand-offs on a few cores, so larger shapes take seconds per call. It is the GPU
    /// variant; the CPU numbers only show why it is not the CPU's.
    /// </summary>
    public const string TiledOnCpu = "nt 64x10x512";

    public static GemmShape Parse(string text)
    {
        var parts = text.Split(' ', 'x');
        if (parts.Length != 4 || parts[0] is not ("nn" or "nt" or "tn"))
            throw new FormatException($"GEMM shape '{text}' is not 'nn|nt|tn MxNxK'");
        int m = int.Parse(parts[1], CultureInfo.InvariantCulture);
        int n = int.Parse(parts[2], CultureInfo.InvariantCulture);
        int k = int.Parse(parts[3], CultureInfo.InvariantCulture);
        return GemmShape.For(m, n, k, transposeA: parts[0] == "tn", transposeB: parts[0] == "nt");
    }
}
