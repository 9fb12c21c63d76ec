namespace Trainer.Training.Tests;

public sealed class SeededRandomTests
{
    /// <summary>
    /// Straightforward transcription of the published SplitMix64 and xoshiro256** reference code, kept
    /// deliberately separate from the implementation under test.
    /// </summary>
    private sealed class ReferenceXoshiro
    {
        private readonly ulong[] _s = new ulong[4];

        public ReferenceXoshiro(ulong seed)
        {
            ulong x = seed;
            for (int i = 0; i < 4; i++)
            {
                x += 0x9e3779b97f4a7c15;
                ulong z = x;
                z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
                z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
                _s[i] = z ^ (z >> 31);
            }
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

        public ulong Next()
        {
            ulong result = Rotl(_s[1] * 5, 7) * 9;
            ulong t = _s[1] << 17;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = Rotl(_s[3], 45);
            return result;
        }
    }

    [Fact]
    public void SplitMix64_FromZero_MatchesPublishedFirstOutput()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededRandom.SplitMix64(ref state));
        Assert.Equal(0x9E3779B97F4A7C15UL, state);
    }

    [Fact]
    public void NextUInt64_SeedZero_MatchesKnownFirstOutputs()
    {
        // Computed with an independent Python transcription of the reference C code.
        var random = new SeededRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, random.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, random.NextUInt64());
        Assert.Equal(0x1A5F849D4933E6E0UL, random.NextUInt64());
        Assert.Equal(0x6AA594F1262D2D2CUL, random.NextUInt64());
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void NextUInt64_MatchesReferenceImplementation(ulong seed)
    {
        var random = new SeededRandom(seed);
        var reference = new ReferenceXoshiro(seed);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(reference.Next(), random.NextUInt64());
        }
    }

    [Fact]
    public void SameSeed_GivesSameSequence_DifferentSeedsDiffer()
    {
        var a = new SeededRandom(123);
        var b = new SeededRandom(123);
        var c = new SeededRandom(124);
        ulong[] first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        ulong[] second = Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray();
        ulong[] other = Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray();
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1_000_000_007)]
    [InlineData(int.MaxValue)]
    public void NextInt_StaysInRange(int maxExclusive)
    {
        var random = new SeededRandom(7);
        for (int i = 0; i < 10_000; i++)
        {
            int value = random.NextInt(maxExclusive);
            Assert.InRange(value, 0, maxExclusive - 1);
        }
    }

    [Fact]
    public void NextInt_IsRoughlyUniform()
    {
        const int buckets = 10;
        const int samples = 100_000;
        var random = new SeededRandom(2024);
        var counts = new int[buckets];
        for (int i = 0; i < samples; i++)
        {
            counts[random.NextInt(buckets)]++;
        }
        double expected = samples / (double)buckets;
        double chiSquare = counts.Sum(count => (count - expected) * (count - expected) / expected);
        // 27.88 is the 0.999 quantile of chi-square with 9 degrees of freedom.
        Assert.True(chiSquare < 27.88, $"chi-square {chiSquare:F2} for counts {string.Join(",", counts)}");
    }

    [Fact]
    public void NextInt_LargeNonPowerOfTwoRange_HasNoModuloBias()
    {
        // With range 3 * 2^29 a plain "32 random bits mod range" hits values below 2^30 three times and
        // the rest twice, giving the lower half of the range 56% of the mass instead of 50%.
        const int range = 3 << 29;
        var random = new SeededRandom(99);
        int lowHalf = 0;
        const int samples = 200_000;
        for (int i = 0; i < samples; i++)
        {
            if (random.NextInt(range) < range / 2)
            {
                lowHalf++;
            }
        }
        double fraction = lowHalf / (double)samples;
        Assert.InRange(fraction, 0.49, 0.51);
    }

    [Fact]
    public void NextInt_NonPositiveBound_Throws()
    {
        var random = new SeededRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(-5));
    }

    [Fact]
    public void NextDouble_UsesTop53Bits()
    {
        var random = new SeededRandom(5);
        var reference = new ReferenceXoshiro(5);
        for (int i = 0; i < 1000; i++)
        {
            double expected = (reference.Next() >> 11) / 9007199254740992.0;
            double value = random.NextDouble();
            Assert.Equal(expected, value);
            Assert.InRange(value, 0.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void NextUniform_IsComputedInDoubleThenRounded()
    {
        var random = new SeededRandom(11);
        var twin = new SeededRandom(11);
        for (int i = 0; i < 1000; i++)
        {
            float value = random.NextUniform(-0.25f, 0.75f);
            float expected = (float)(-0.25 + 1.0 * twin.NextDouble());
            Assert.Equal(expected, value);
            Assert.InRange(value, -0.25f, 0.75f);
        }
    }

    [Fact]
    public void Shuffle_IsFisherYatesOverNextInt()
    {
        var random = new SeededRandom(31);
        var twin = new SeededRandom(31);
        int[] items = Enumerable.Range(0, 50).ToArray();
        random.Shuffle<int>(items);

        int[] expected = Enumerable.Range(0, 50).ToArray();
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = twin.NextInt(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        Assert.Equal(expected, items);
        Assert.Equal(Enumerable.Range(0, 50), items.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), items);
    }

    [Fact]
    public void Shuffle_EmptyAndSingleSpans_AreUnchanged()
    {
        var random = new SeededRandom(3);
        random.Shuffle(Span<int>.Empty);
        int[] single = [42];
        random.Shuffle<int>(single);
        Assert.Equal([42], single);
    }
}
