using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// exp over a <see cref="Vector{T}"/> of floats: Cephes' expf (exp(x) = 2ⁿ·exp(r), n = round(x·log₂e),
/// r = x − n·ln 2 in two parts, exp(r) a degree-7 polynomial), within 2 ulp of the true value.
/// </summary>
/// <remarks>
/// Ours rather than the runtime's <c>Vector.Exp</c> for two reasons: it returns exactly 1 at 0 (the
/// runtime's gives 1.0000001), so a row's largest logit contributes exactly 1 to its softmax sum and
/// one class gives a loss of exactly 0; and its bits cannot change with a runtime update. Below
/// −87.33 (where the result would be subnormal) it returns 0, within 1.2e-38 of the true value; above 88.72 it returns +∞; NaN stays NaN. Plain multiplies and adds, no FMA contraction,
/// so it gives the same bits on every ISA with the same vector width.
/// </remarks>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float Lowest = -87.3365479f;   // ln(2^-126): below it 2ⁿ is subnormal
    private const float Highest = 88.7228394f;   // ln(FLT_MAX)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(Lowest)), new Vector<float>(Highest));
        var n = Vector.Floor(clamped * new Vector<float>(Log2E) + new Vector<float>(0.5f));
        var r = clamped - n * new Vector<float>(Ln2Hi) - n * new Vector<float>(Ln2Lo);
        var p = new Vector<float>(1.9875691500e-4f);
        p = p * r + new Vector<float>(1.3981999507e-3f);
        p = p * r + new Vector<float>(8.3334519073e-3f);
        p = p * r + new Vector<float>(4.1665795894e-2f);
        p = p * r + new Vector<float>(1.6666665459e-1f);
        p = p * r + new Vector<float>(5.0000001201e-1f);
        p = p * (r * r) + r + Vector<float>.One;
        // 2ⁿ as two powers of two built from exponent bits, 2^(n>>1)·2^(n−(n>>1)), so each stays a
        // normal float over the whole clamped range (n in [-126, 128]).
        var ni = Vector.ConvertToInt32(n);
        var n1 = Vector.ShiftRightArithmetic(ni, 1);
        var result = p * PowerOfTwo(n1) * PowerOfTwo(ni - n1);
        result = Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(Lowest)), Vector<float>.Zero, result);
        result = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(Highest)), new Vector<float>(float.PositiveInfinity), result);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>2^e for e in [-126, 127], from its exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> PowerOfTwo(Vector<int> e) => Vector.AsVectorSingle(Vector.ShiftLeft(e + new Vector<int>(127), 23));
}
