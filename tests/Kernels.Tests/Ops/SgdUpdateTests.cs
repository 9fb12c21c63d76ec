using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class SgdUpdateTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    /// <summary>
    /// Bound: float32 computes fl(p − fl(lr·g)): |error| ≤ u·|lr·g|·(1+u) + u·|result| ≤ 2u·(|p| + |lr·g|).
    /// </summary>
    private static double Tolerance(float p, float g, float lr) => ErrorBounds.Sgd(p, g, lr);

    [Theory]
    [InlineData(BackendFixture.Native, 1)]
    [InlineData(BackendFixture.Native, 7)]
    [InlineData(BackendFixture.Native, 65)]
    [InlineData(BackendFixture.Native, 784 * 512)]
    [InlineData(BackendFixture.Fast, 1)]
    [InlineData(BackendFixture.Fast, 7)]
    [InlineData(BackendFixture.Fast, 63)]
    [InlineData(BackendFixture.Fast, 65)]
    [InlineData(BackendFixture.Fast, 257)]
    [InlineData(BackendFixture.Fast, 784 * 512)]
    [InlineData(BackendFixture.Wide, 257)]
    public void Single_tensor_matches_float64_reference(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count);
        var p = TestData.Uniform(rng, count);
        var g = TestData.Uniform(rng, count, -5f, 5f);
        const float lr = 0.05f;
        using var dp = backend.Put(p.Concat(new[] { 1f, 2f, 3f }).ToArray());
        using var dg = backend.Put(g);
        using var dh = backend.Put(new[] { lr });
        backend.SgdUpdate(dp, dg, count, dh);
        var got = backend.Floats(dp, count + 3);
        Assert.Equal(new[] { 1f, 2f, 3f }, got[count..]);
        Close.All(ReferenceMath.Sgd(p, g, lr), got[..count], i => Tolerance(p[i], g[i], lr), $"sgd n={count}");
    }

    /// <summary>
    /// Parameters scattered through a larger block and gradients scattered (in another order)
    /// through a larger arena, including an empty segment and adjacent ones: one multi-tensor
    /// launch must equal one single-tensor launch per segment, bit for bit, and leave every
    /// element outside the segments untouched.
    /// </summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Multi_tensor_equals_per_tensor_and_touches_only_segments(string backendName)
    {
        var backend = backends.Get(backendName);
        // (paramOffset, gradOffset, length) in elements.
        int[][] segments =
        [
            [3, 1000, 257],
            [300, 5, 1],
            [301, 40, 63],   // adjacent to the previous segment in the parameter block
            [400, 600, 0],   // empty
            [517, 103, 65],
            [1100, 1400, 7],
            [2000, 2100, 784],
        ];
        const int blockLength = 2900, arenaLength = 2950;
        const float lr = 0.125f;
        var rng = TestData.Rng(42);
        var block = TestData.Uniform(rng, blockLength);
        var arena = TestData.Uniform(rng, arenaLength, -3f, 3f);
        int total = segments.Sum(s => s[2]);

        using var dblock = backend.Put(block);
        using var darena = backend.Put(arena);
        using var dsegments = backend.Put(segments.SelectMany(s => s).ToArray());
        using var dh = backend.Put(new[] { lr });
        backend.SgdUpdateMulti(dblock, darena, dsegments, segments.Length, total, dh);
        var multi = backend.Floats(dblock, blockLength);

        // The same update, one SgdUpdate launch per segment through slices.
        using var dblock2 = backend.Put(block);
        foreach (var s in segments)
        {
            if (s[2] == 0) continue;
            using var p = dblock2.Slice(s[0] * 4L, s[2] * 4L);
            using var g = darena.Slice(s[1] * 4L, s[2] * 4L);
            backend.SgdUpdate(p, g, s[2], dh);
        }
        Close.Bitwise(backend.Floats(dblock2, blockLength), multi, "multi-tensor vs per-tensor SGD");

        var inSegment = new bool[blockLength];
        foreach (var s in segments)
            for (int i = 0; i < s[2]; i++)
            {
                int pi = s[0] + i;
                inSegment[pi] = true;
                double expected = block[pi] - (double)lr * arena[s[1] + i];
                Assert.True(Math.Abs(multi[pi] - expected) <= Tolerance(block[pi], arena[s[1] + i], lr),
                    $"segment element {pi}: {multi[pi]:R} vs {expected:R}");
            }
        for (int i = 0; i < blockLength; i++)
            if (!inSegment[i])
                Assert.True(BitConverter.SingleToInt32Bits(block[i]) == BitConverter.SingleToInt32Bits(multi[i]),
                    $"parameter {i} is outside every segment but changed from {block[i]:R} to {multi[i]:R}");
        Close.Bitwise(arena, backend.Floats(darena, arenaLength), "gradient arena must not change");
    }
}
