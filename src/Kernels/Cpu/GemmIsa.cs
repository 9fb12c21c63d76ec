using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The vector width the native GEMM's microkernel uses, with its register tile: MR rows broadcast
/// from one operand times NR columns of vectors from the other. Chosen once at start-up from what
/// the processor supports; every path computes each output as the same ordered chain of fused
/// multiply-adds, so all give the same bits.
/// </summary>
public enum GemmIsa
{
    /// <summary>Vector128 (SSE or ARM64 NEON): a 4x8 tile in 8 accumulators.</summary>
    Vector128,
    /// <summary>AVX2 with FMA: a 6x16 tile in 12 ymm accumulators.</summary>
    Avx2,
    /// <summary>AVX-512: an 8x32 tile in 16 zmm accumulators.</summary>
    Avx512,
}

/// <summary>Choosing and describing a <see cref="GemmIsa"/>.</summary>
internal static class GemmIsaInfo
{
    /// <summary>The widest path this processor runs well.</summary>
    public static GemmIsa Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmIsa.Avx2
        : GemmIsa.Vector128;

    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported,
        GemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>Rows of the register tile (broadcast operand).</summary>
    public static int Rows(GemmIsa isa) => isa switch { GemmIsa.Avx512 => 8, GemmIsa.Avx2 => 6, _ => 4 };

    /// <summary>Columns of the register tile (vector operand): two vectors.</summary>
    public static int Columns(GemmIsa isa) => isa switch { GemmIsa.Avx512 => 32, GemmIsa.Avx2 => 16, _ => 8 };

    public static string Name(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => "avx512",
        GemmIsa.Avx2 => "avx2+fma",
        _ => "vector128",
    };
}
