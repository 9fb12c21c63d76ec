namespace Trainer.Training.Data;

/// <summary>
/// Counter-based randomness for per-row data augmentation: every draw is a pure hash of
/// (seed, epoch, row, draw), so a row gets the same crop or flip whichever thread computes it, in
/// whatever order, and a resumed run draws what an uninterrupted one would. Nothing is shared
/// between rows, so there is no generator state to lock or to advance in order.
/// </summary>
/// <remarks>
/// The hash chains SplitMix64's finaliser over the four words: <c>h = mix(seed ^ K0)</c>, then
/// <c>h = mix(h ^ word * K)</c> for epoch, row and draw (K an odd 64-bit constant). SplitMix64's
/// finaliser is a bijection with full avalanche, so changing any of the four words changes every
/// output bit with probability about one half.
/// </remarks>
public static class RowRandom
{
    /// <summary>A 64-bit hash of (<paramref name="seed"/>, <paramref name="epoch"/>, <paramref name="row"/>, <paramref name="draw"/>).</summary>
    public static ulong Bits(ulong seed, int epoch, long row, int draw)
    {
        ulong h = Mix(seed ^ 0x6A09E667F3BCC909UL);
        h = Mix(h ^ unchecked((ulong)(long)epoch * 0x9E3779B97F4A7C15UL));
        h = Mix(h ^ unchecked((ulong)row * 0xBF58476D1CE4E5B9UL));
        return Mix(h ^ unchecked((ulong)(long)draw * 0x94D049BB133111EBUL));
    }

    /// <summary>A uniform integer in [0, <paramref name="count"/>) from the hash of the four words (Lemire's multiply-shift; bias below 2^-32 for any int count).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static int Below(int count, ulong seed, int epoch, long row, int draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)Math.BigMul(Bits(seed, epoch, row, draw), (ulong)count, out _);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits, from the hash of the four words.</summary>
    public static double Unit(ulong seed, int epoch, long row, int draw) =>
        (Bits(seed, epoch, row, draw) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
