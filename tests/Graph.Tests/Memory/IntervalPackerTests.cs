using Trainer.Graph.Memory;

namespace Trainer.Graph.Tests.Memory;

public class IntervalPackerTests
{
    private const int Alignment = 256;

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (var count in new[] { 1, 7, 63, 65, 257 })
            foreach (var seed in new[] { 11, 12, 13 })
                data.Add(count, seed);
        return data;
    }

    private static List<Lifetime> RandomLifetimes(int count, int seed)
    {
        var rng = new Random(seed);
        int steps = Math.Max(2, count / 2);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int first = rng.Next(steps);
            int last = first + rng.Next(Math.Max(1, steps / 4));
            return new Lifetime(rng.Next(1, 100_001), first, last);
        }).ToList();
    }

    /// <summary>Every invariant a packing must satisfy, checked pairwise.</summary>
    internal static void AssertValidPacking(IReadOnlyList<Lifetime> buffers, IReadOnlyList<long> offsets, long arena, int alignment)
    {
        Assert.Equal(buffers.Count, offsets.Count);
        long sum = 0, end = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            long size = IntervalPacker.Align(buffers[i].Bytes, alignment);
            Assert.True(size >= buffers[i].Bytes && size % alignment == 0);
            Assert.True(offsets[i] >= 0, $"buffer {i} at negative offset {offsets[i]}");
            Assert.True(offsets[i] % alignment == 0, $"buffer {i} at unaligned offset {offsets[i]}");
            sum += size;
            end = Math.Max(end, offsets[i] + size);
        }
        Assert.True(end <= arena, $"a buffer ends at {end}, past the arena of {arena}");
        Assert.Equal(end, arena);
        Assert.True(arena <= sum, $"arena {arena} exceeds the sum of aligned sizes {sum}");

        for (int i = 0; i < buffers.Count; i++)
        {
            long si = offsets[i], ei = si + IntervalPacker.Align(buffers[i].Bytes, alignment);
            for (int j = i + 1; j < buffers.Count; j++)
            {
                bool timeOverlap = buffers[i].First <= buffers[j].Last && buffers[j].First <= buffers[i].Last;
                if (!timeOverlap) continue;
                long sj = offsets[j], ej = sj + IntervalPacker.Align(buffers[j].Bytes, alignment);
                Assert.True(ei <= sj || ej <= si,
                    $"buffers {i} {buffers[i]} at [{si},{ei}) and {j} {buffers[j]} at [{sj},{ej}) are live together and overlap");
            }
        }

        // A lower bound every valid packing meets: the bytes live at any one step.
        if (buffers.Count > 0)
        {
            int lastStep = buffers.Max(b => b.Last);
            for (int t = 0; t <= lastStep; t++)
            {
                long live = buffers.Where(b => b.First <= t && t <= b.Last).Sum(b => IntervalPacker.Align(b.Bytes, alignment));
                Assert.True(live <= arena, $"{live} bytes live at step {t} but arena is {arena}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomLifetimesPackWithoutOverlap(int count, int seed)
    {
        var buffers = RandomLifetimes(count, seed);

        var (offsets, arena) = IntervalPacker.Pack(buffers, Alignment);

        AssertValidPacking(buffers, offsets, arena, Alignment);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackingIsDeterministic(int count, int seed)
    {
        var (a, arenaA) = IntervalPacker.Pack(RandomLifetimes(count, seed), Alignment);
        var (b, arenaB) = IntervalPacker.Pack(RandomLifetimes(count, seed), Alignment);

        Assert.Equal(a, b);
        Assert.Equal(arenaA, arenaB);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(256)]
    [InlineData(4096)]
    public void OtherAlignmentsHoldToo(int alignment)
    {
        var buffers = RandomLifetimes(65, alignment);
        var (offsets, arena) = IntervalPacker.Pack(buffers, alignment);
        AssertValidPacking(buffers, offsets, arena, alignment);
    }

    [Fact]
    public void BuffersLiveAtDifferentTimesShareMemory()
    {
        Lifetime[] buffers = [new(1000, 0, 1), new(1000, 2, 3), new(1000, 4, 5)];

        var (offsets, arena) = IntervalPacker.Pack(buffers, Alignment);

        Assert.Equal([0L, 0L, 0L], offsets);
        Assert.Equal(1024, arena);
    }

    [Fact]
    public void EndsAreInclusive()
    {
        // Last == First of the next: both live at step 1, so they may not share.
        Lifetime[] buffers = [new(100, 0, 1), new(100, 1, 2)];

        var (offsets, arena) = IntervalPacker.Pack(buffers, Alignment);

        Assert.Equal([0L, 256L], offsets);
        Assert.Equal(512, arena);
    }

    [Fact]
    public void LargestIsPlacedFirstAndSmallerOnesFillGaps()
    {
        // big lives 0..9; a and c 0..2 and 5..9 share the slot after big; b 3..4 too.
        Lifetime[] buffers = [new(300, 0, 2), new(5000, 0, 9), new(200, 3, 4), new(256, 5, 9)];

        var (offsets, arena) = IntervalPacker.Pack(buffers, Alignment);

        Assert.Equal([5120L, 0L, 5120L, 5120L], offsets);
        Assert.Equal(5120 + 512, arena);
    }

    [Fact]
    public void NoBuffersNeedNoArena()
    {
        var (offsets, arena) = IntervalPacker.Pack([], Alignment);
        Assert.Empty(offsets);
        Assert.Equal(0, arena);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 256)]
    [InlineData(256, 256)]
    [InlineData(257, 512)]
    public void AlignRoundsUp(long bytes, long expected) => Assert.Equal(expected, IntervalPacker.Align(bytes, 256));
}
