using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class AdamUpdateTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private const float Lr = 0.001f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f, Wd = 0.01f;

    /// <summary>The hyperparameter block the kernels read (lr, β₁, β₂, ε, w).</summary>
    private static readonly float[] Hyperparameters = [Lr, Beta1, Beta2, Eps, Wd];

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int count in new[] { 1, 7, 63, 65, 257, 784 * 512 })
                foreach (int step in new[] { 1, 100 })
                    data.Add(backend, count, step);
        return data;
    }

    /// <summary>β₁ᵗ⁻¹ and β₂ᵗ⁻¹ as float32 multiplies them up, step after step (what AdamBetaPowers keeps).</summary>
    private static (float, float) PowersBefore(int step)
    {
        float b1 = 1f, b2 = 1f;
        for (int t = 1; t < step; t++) { b1 *= Beta1; b2 *= Beta2; }
        return (b1, b2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Single_tensor_matches_float64_reference(string backendName, int count, int step)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count, step, 21);
        var p = TestData.Uniform(rng, count);
        var m = TestData.Uniform(rng, count, -0.5f, 0.5f);
        var v = TestData.Uniform(rng, count, 0f, 0.25f);
        var g = TestData.Uniform(rng, count, -2f, 2f);
        if (count > 3) { g[0] = 0f; m[0] = 0f; v[0] = 0f; } // a parameter that has never had a gradient: ε alone keeps the division finite
        var (b1p, b2p) = PowersBefore(step);
        using var dp = backend.Put(p.Concat(new[] { 1f, 2f }).ToArray());
        using var dm = backend.Put(m);
        using var dv = backend.Put(v);
        using var dg = backend.Put(g);
        using var d1 = backend.Put(new[] { b1p });
        using var d2 = backend.Put(new[] { b2p });
        using var dh = backend.Put(new[] { Lr, Beta1, Beta2, Eps, 0f });
        backend.AdamUpdate(dp, dm, dv, dg, d1, d2, count, dh);

        var gotP = backend.Floats(dp, count + 2);
        Assert.Equal(new[] { 1f, 2f }, gotP[count..]);
        var (ep, em, ev) = ReferenceMath.Adam(p, m, v, g, b1p, b2p, Lr, Beta1, Beta2, Eps);
        Close.All(em, backend.Floats(dm, count), i => ErrorBounds.AdamM(m[i], g[i], Beta1), $"adam m n={count} t={step}");
        Close.All(ev, backend.Floats(dv, count), i => ErrorBounds.AdamV(v[i], g[i], Beta2), $"adam v n={count} t={step}");
        Close.All(ep, gotP[..count], i => ErrorBounds.AdamParameter(p[i], m[i], v[i], g[i], b1p, b2p, Lr, Beta1, Beta2, Eps), $"adam p n={count} t={step}");
        // The powers are read, not advanced: AdamBetaPowers does that once per step.
        Assert.Equal(b1p, backend.Floats(d1, 1)[0]);
        Assert.Equal(b2p, backend.Floats(d2, 1)[0]);
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
        var rng = TestData.Rng(count, 22);
        var p = TestData.Uniform(rng, count, -3f, 3f);
        var m = TestData.Uniform(rng, count, -0.5f, 0.5f);
        var v = TestData.Uniform(rng, count, 0f, 0.25f);
        var g = TestData.Uniform(rng, count, -2f, 2f);
        var (b1p, b2p) = PowersBefore(5);
        using var dp = backend.Put(p);
        using var dm = backend.Put(m);
        using var dv = backend.Put(v);
        using var dg = backend.Put(g);
        using var d1 = backend.Put(new[] { b1p });
        using var d2 = backend.Put(new[] { b2p });
        using var dh = backend.Put(Hyperparameters);
        backend.AdamUpdate(dp, dm, dv, dg, d1, d2, count, dh);
        var (ep, em, ev) = ReferenceMath.Adam(p, m, v, g, b1p, b2p, Lr, Beta1, Beta2, Eps, Wd);
        Close.All(em, backend.Floats(dm, count), i => ErrorBounds.AdamM(m[i], g[i], Beta1, Wd, p[i]), $"decayed adam m n={count}");
        Close.All(ev, backend.Floats(dv, count), i => ErrorBounds.AdamV(v[i], g[i], Beta2, Wd, p[i]), $"decayed adam v n={count}");
        Close.All(ep, backend.Floats(dp, count), i => ErrorBounds.AdamParameter(p[i], m[i], v[i], g[i], b1p, b2p, Lr, Beta1, Beta2, Eps, Wd), $"decayed adam p n={count}");
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Beta_powers_advance_by_one_float_multiply_each(string backendName)
    {
        var backend = backends.Get(backendName);
        using var d1 = backend.Put(new[] { 1f });
        using var d2 = backend.Put(new[] { 1f });
        using var dh = backend.Put(Hyperparameters);
        float b1 = 1f, b2 = 1f;
        for (int t = 0; t < 5; t++)
        {
            backend.AdamBetaPowers(d1, d2, dh);
            b1 *= Beta1;
            b2 *= Beta2;
        }
        Assert.Equal(b1, backend.Floats(d1, 1)[0]);
        Assert.Equal(b2, backend.Floats(d2, 1)[0]);
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.NativeThreeThreads)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Multi_tensor_equals_per_tensor_and_touches_only_segments(string backendName)
    {
        var backend = backends.Get(backendName);
        // (parameter, m, v, gradient offset, length) in elements; m and v share one block here, as the optimizer's state does.
        int[][] segments =
        [
            [3, 10, 1300, 1000, 257],
            [300, 300, 1600, 5, 1],
            [301, 301, 1601, 40, 63],
            [400, 600, 1700, 600, 0],
            [517, 700, 1800, 103, 65],
            [1100, 900, 1900, 1400, 7],
            [2000, 2500, 3300, 2100, 784],
        ];
        const int blockLength = 2900, stateLength = 4200, arenaLength = 2950;
        var rng = TestData.Rng(44);
        var block = TestData.Uniform(rng, blockLength);
        var state = TestData.Uniform(rng, stateLength, 0f, 0.25f);
        var arena = TestData.Uniform(rng, arenaLength, -3f, 3f);
        int total = segments.Sum(s => s[4]);
        var (b1p, b2p) = PowersBefore(3);

        using var dblock = backend.Put(block);
        using var dstate = backend.Put(state);
        using var darena = backend.Put(arena);
        using var d1 = backend.Put(new[] { b1p });
        using var d2 = backend.Put(new[] { b2p });
        using var dsegments = backend.Put(segments.SelectMany(s => s).ToArray());
        using var dh = backend.Put(Hyperparameters);
        backend.AdamUpdateMulti(dblock, dstate, dstate, darena, dsegments, d1, d2, segments.Length, total, dh);
        var multiP = backend.Floats(dblock, blockLength);
        var multiS = backend.Floats(dstate, stateLength);

        using var dblock2 = backend.Put(block);
        using var dstate2 = backend.Put(state);
        foreach (var s in segments)
        {
            if (s[4] == 0) continue;
            using var p = dblock2.Slice(s[0] * 4L, s[4] * 4L);
            using var m = dstate2.Slice(s[1] * 4L, s[4] * 4L);
            using var v = dstate2.Slice(s[2] * 4L, s[4] * 4L);
            using var g = darena.Slice(s[3] * 4L, s[4] * 4L);
            backend.AdamUpdate(p, m, v, g, d1, d2, s[4], dh);
        }
        Close.Bitwise(backend.Floats(dblock2, blockLength), multiP, "multi-tensor vs per-tensor Adam, parameters");
        Close.Bitwise(backend.Floats(dstate2, stateLength), multiS, "multi-tensor vs per-tensor Adam, moments");

        var touchedP = new bool[blockLength];
        var touchedS = new bool[stateLength];
        foreach (var s in segments)
            for (int i = 0; i < s[4]; i++)
            {
                touchedP[s[0] + i] = touchedS[s[1] + i] = touchedS[s[2] + i] = true;
                var (ep, _, _) = ReferenceMath.Adam([block[s[0] + i]], [state[s[1] + i]], [state[s[2] + i]], [arena[s[3] + i]], b1p, b2p, Lr, Beta1, Beta2, Eps, Wd);
                double bound = ErrorBounds.AdamParameter(block[s[0] + i], state[s[1] + i], state[s[2] + i], arena[s[3] + i], b1p, b2p, Lr, Beta1, Beta2, Eps, Wd);
                Assert.True(Math.Abs(multiP[s[0] + i] - ep[0]) <= bound, $"parameter {s[0] + i}: {multiP[s[0] + i]:R} vs {ep[0]:R}");
            }
        for (int i = 0; i < blockLength; i++)
            if (!touchedP[i]) Assert.Equal(BitConverter.SingleToInt32Bits(block[i]), BitConverter.SingleToInt32Bits(multiP[i]));
        for (int i = 0; i < stateLength; i++)
            if (!touchedS[i]) Assert.Equal(BitConverter.SingleToInt32Bits(state[i]), BitConverter.SingleToInt32Bits(multiS[i]));
    }
}
