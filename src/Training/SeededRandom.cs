using System.Numerics;

namespace Trainer.Training;

/// <summary>
/// Deterministic pseudo-random generator: xoshiro256** whose four state words are the first four
/// outputs of SplitMix64 started at the seed. Unlike <see cref="System.Random"/>, whose algorithm
/// may change between .NET versions, the sequence for a given seed is fixed by this file, so
/// shuffles and initialisations are reproducible across runtimes and machines.
/// </summary>
/// <remarks>Not thread-safe; not suitable for cryptography.</remarks>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose whole output sequence is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        // SplitMix64 spreads any seed (including 0) into a state that is not all zero,
        // which xoshiro requires.
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>
    /// One SplitMix64 step: advances <paramref name="state"/> by 0x9E3779B97F4A7C15 and returns the
    /// mixed value. The first output for state 0 is 0xE220A8397B1DCDAF.
    /// </summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns the next 64 uniformly distributed bits (one xoshiro256** step).</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// Returns an integer uniformly distributed in [0, <paramref name="maxExclusive"/>), without modulo
    /// bias (Lemire's multiply-and-reject method on the high 32 bits of <see cref="NextUInt64"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        uint range = (uint)maxExclusive;
        ulong product = (NextUInt64() >> 32) * range;
        uint low = (uint)product;
        if (low < range)
        {
            // 2^32 mod range: the count of 32-bit values that would over-represent some results.
            uint threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * range;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>Returns a double uniformly distributed in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Returns <c>(float)(low + (high - low) * NextDouble())</c>, computed in double. Because of the final
    /// rounding to float the result lies in [low, high] and can equal <paramref name="high"/> when the
    /// double value is within half a float ulp of it.
    /// </summary>
    public float NextUniform(float low, float high) => (float)(low + ((double)high - low) * NextDouble());

    /// <summary>
    /// Permutes <paramref name="items"/> in place with the Fisher–Yates shuffle, walking from the last
    /// element down and swapping element i with element <c>NextInt(i + 1)</c>.
    /// </summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
