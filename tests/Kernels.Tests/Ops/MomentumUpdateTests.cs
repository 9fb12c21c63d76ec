using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class MomentumUpdateTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int count in new[] { 1, 7, 63, 65, 257, 784 * 512 })
                data.Add(backend, count);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Single_tensor_matches_float64_reference(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count, 9);
        var p = TestData.Uniform(rng, count);
        var a = TestData.Uniform(rng, count, -2f, 2f);
        var g = TestData.Uniform(rng, count, -5f, 5f);
        const float lr = 0.05f, m = 0.9f;
        using var dp = backend.Put(p.Concat(new[] { 1f, 2f, 3f }).ToArray());
        using var da = backend.Put(a.Concat(new[] { 4f, 5f }).ToArray());
        using var dg = backend.Put(g);
        using var dh = backend.Put(new[] { lr, m, 0f });
        backend.MomentumUpdate(dp, da, dg, count, dh);
        var gotP = backend.Floats(dp, count + 3);
        var gotA = backend.Floats(da, count + 2);
        Assert.Equal(new[] { 1f, 2f, 3f }, gotP[count..]);
        Assert.Equal(new[] { 4f, 5f }, gotA[count..]);
        var (ep, ea) = ReferenceMath.Momentum(p, a, g, lr, m);
        Close.All(ea, gotA[..count], i => ErrorBounds.MomentumAccumulation(a[i], g[i], m), $"momentum accumulation n={count}");
        Close.All(ep, gotP[..count], i => ErrorBounds.MomentumParameter(p[i], a[i], g[i], lr, m), $"momentum parameter n={count}");
    }

    [Theory]
    [InlineData(BackendFixture.Native, 7)]
    [InlineData(BackendFixture.Native, 65537)]
    [InlineData(BackendFixture.Fast, 7)]
    [InlineData(BackendFixture.Fast, 65537)]
    [InlineData(BackendFixture.Wide, 257)]
    public void Weight_decay_adds_w_times_the_parameter_to_the_gradient(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count, 10);
        var p = TestData.Uniform(rng, count, -3f, 3f);
        var a = TestData.Uniform(rng, count, -2f, 2f);
        var g = TestData.Uniform(rng, count, -5f, 5f);
        const float lr = 0.05f, m = 0.9f, wd = 0.01f;
        using var dp = backend.Put(p);
        using var da = backend.Put(a);
        using var dg = backend.Put(g);
        using var dh = backend.Put(new[] { lr, m, wd });
        backend.MomentumUpdate(dp, da, dg, count, dh);
        var (ep, ea) = ReferenceMath.Momentum(p, a, g, lr, m, wd);
        Close.All(ea, backend.Floats(da, count), i => ErrorBounds.MomentumAccumulation(a[i], g[i], m, wd, p[i]), $"decayed accumulation n={count}");
        Close.All(ep, backend.Floats(dp, count), i => ErrorBounds.MomentumParameter(p[i], a[i], g[i], lr, m, wd), $"decayed parameter n={count}");
    }

    /// <summary>Momentum 0 with zero accumulation is plain SGD, to the bit (a = 0·0 + g = g exactly).</summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    public void Zero_momentum_is_sgd_bit_for_bit(string backendName)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(65, 3);
        var p = TestData.Uniform(rng, 65);
        var g = TestData.Uniform(rng, 65, -5f, 5f);
        using var dp = backend.Put(p);
        using var da = backend.Put(new float[65]);
        using var dg = backend.Put(g);
        using var dsgd = backend.Put(p);
        using var momentumBlock = backend.Put(new[] { 0.125f, 0f, 0f });
        using var sgdBlock = backend.Put(new[] { 0.125f });
        backend.MomentumUpdate(dp, da, dg, 65, momentumBlock);
        backend.SgdUpdate(dsgd, dg, 65, sgdBlock);
        Close.Bitwise(backend.Floats(dsgd, 65), backend.Floats(dp, 65), "momentum 0 vs sgd");
        Close.Bitwise(g, backend.Floats(da, 65), "accumulation after one step from zero is the gradient");
    }

    /// <summary>
    /// Parameters and accumulations scattered through two blocks, gradients through an arena in
    /// another order, an empty segment and adjacent ones: one multi-tensor launch must equal one
    /// single-tensor launch per segment bit for bit, and leave everything outside the segments alone.
    /// </summary>
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.NativeThreeThreads)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Multi_tensor_equals_per_tensor_and_touches_only_segments(string backendName)
    {
        var backend = backends.Get(backendName);
        // (paramOffset, accumulationOffset, gradOffset, length) in elements.
        int[][] segments =
        [
            [3, 20, 1000, 257],
            [300, 400, 5, 1],
            [301, 401, 40, 63],
            [400, 900, 600, 0],
            [517, 1000, 103, 65],
            [1100, 1200, 1400, 7],
            [2000, 1500, 2100, 784],
        ];
        const int blockLength = 2900, accumLength = 2400, arenaLength = 2950;
        const float lr = 0.125f, m = 0.875f, wd = 0.03125f;
        var rng = TestData.Rng(43);
        var block = TestData.Uniform(rng, blockLength);
        var accum = TestData.Uniform(rng, accumLength, -2f, 2f);
        var arena = TestData.Uniform(rng, arenaLength, -3f, 3f);
        int total = segments.Sum(s => s[3]);

        using var dblock = backend.Put(block);
        using var daccum = backend.Put(accum);
        using var darena = backend.Put(arena);
        using var dsegments = backend.Put(segments.SelectMany(s => s).ToArray());
        using var dh = backend.Put(new[] { lr, m, wd });
        backend.MomentumUpdateMulti(dblock, daccum, darena, dsegments, segments.Length, total, dh);
        var multiP = backend.Floats(dblock, blockLength);
        var multiA = backend.Floats(daccum, accumLength);

        using var dblock2 = backend.Put(block);
        using var daccum2 = backend.Put(accum);
        foreach (var s in segments)
        {
            if (s[3] == 0) continue;
            using var p = dblock2.Slice(s[0] * 4L, s[3] * 4L);
            using var a = daccum2.Slice(s[1] * 4L, s[3] * 4L);
            using var g = darena.Slice(s[2] * 4L, s[3] * 4L);
            backend.MomentumUpdate(p, a, g, s[3], dh);
        }
        Close.Bitwise(backend.Floats(dblock2, blockLength), multiP, "multi-tensor vs per-tensor momentum, parameters");
        Close.Bitwise(backend.Floats(daccum2, accumLength), multiA, "multi-tensor vs per-tensor momentum, accumulations");

        var (expectedP, expectedA) = ReferenceMath.MomentumMulti(block, accum, arena, segments.SelectMany(s => s).ToArray(), lr, m, wd);
        var touchedP = new bool[blockLength];
        var touchedA = new bool[accumLength];
        foreach (var s in segments)
            for (int i = 0; i < s[3]; i++)
            {
                int pi = s[0] + i, ai = s[1] + i, gi = s[2] + i;
                touchedP[pi] = touchedA[ai] = true;
                Assert.True(Math.Abs(multiA[ai] - expectedA[ai]) <= ErrorBounds.MomentumAccumulation(accum[ai], arena[gi], m, wd, block[pi]), $"accumulation {ai}");
                Assert.True(Math.Abs(multiP[pi] - expectedP[pi]) <= ErrorBounds.MomentumParameter(block[pi], accum[ai], arena[gi], lr, m, wd), $"parameter {pi}");
            }
        for (int i = 0; i < blockLength; i++)
            if (!touchedP[i]) Assert.Equal(BitConverter.SingleToInt32Bits(block[i]), BitConverter.SingleToInt32Bits(multiP[i]));
        for (int i = 0; i < accumLength; i++)
            if (!touchedA[i]) Assert.Equal(BitConverter.SingleToInt32Bits(accum[i]), BitConverter.SingleToInt32Bits(multiA[i]));
        Close.Bitwise(arena, backend.Floats(darena, arenaLength), "gradient arena must not change");
    }
}
