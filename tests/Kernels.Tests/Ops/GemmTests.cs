using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class GemmTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public enum Layout { NN, NT, TN }

    internal const float Sentinel = -7777.25f;
    internal const int Guard = 19;

    internal static (bool A, bool B) Transposes(Layout layout) => (layout == Layout.TN, layout == Layout.NT);

    private static readonly int[] Awkward = [1, 7, 63, 65];

    internal sealed record Case(float[] A, float[] B, float[]? Bias, float[]? Mask);

    internal static Case MakeCase(int m, int n, int k, int flags, int seed)
    {
        var rng = TestData.Rng(m, n, k, flags, seed);
        var a = TestData.Uniform(rng, m * k);
        var b = TestData.Uniform(rng, k * n);
        float[]? bias = (flags & GemmEpilogue.BiasFlag) != 0 ? TestData.Uniform(rng, n) : null;
        float[]? mask = null;
        if ((flags & GemmEpilogue.MaskFlag) != 0)
        {
            // A ReLU output has exact zeros; negatives and -0 must also count as "not > 0".
            mask = TestData.Uniform(rng, m * n);
            for (int i = 0; i < mask.Length; i++)
                if (i % 5 == 0) mask[i] = 0f;
                else if (i % 7 == 0) mask[i] = -0f;
        }
        return new Case(a, b, bias, mask);
    }

    /// <summary>Runs the GEMM into a C with a sentinel-filled guard region after M·N, and checks the guard.</summary>
    internal static float[] Run(IKernelBackend backend, Case c, int m, int n, int k, Layout layout, int flags)
    {
        var (ta, tb) = Transposes(layout);
        using var da = backend.Put(c.A);
        using var db = backend.Put(c.B);
        using var dc = backend.Filled(m * n + Guard, Sentinel);
        using DeviceBuffer? dbias = c.Bias is null ? null : backend.Put(c.Bias);
        using DeviceBuffer? dmask = c.Mask is null ? null : backend.Put(c.Mask);
        backend.Gemm(da, db, dc, GemmShape.For(m, n, k, ta, tb), new GemmEpilogue(flags), dbias, dmask);
        var result = backend.Floats(dc, m * n + Guard);
        Close.Untouched(result, m * n, m * n + Guard, Sentinel, $"GEMM {layout} {m}x{n}x{k} wrote past C");
        return result[..(m * n)];
    }

    /// <summary>
    /// Compares with the float64 reference. Bound (<see cref="ErrorBounds.Gemm"/>, shared with
    /// <c>trainer selftest</c>): each output is a float32 dot product of length K, plus the bias as
    /// one more term, summed in order, so |got − exact| ≤ γ_{K+1}·(Σ_p |a_ip b_pj| + |bias_j|)
    /// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1; γ_n = n·u/(1−n·u), u = 2^-24).
    /// ReLU is 1-Lipschitz and the mask decision uses the same float32 mask on both sides, so the
    /// bound survives the epilogue. A single wrong or missing term (|a_ip b_pj| ≈ Σ/K) exceeds it.
    /// </summary>
    internal static void CheckAgainstReference(float[] got, Case c, int m, int n, int k, Layout layout, int flags)
    {
        var (ta, tb) = Transposes(layout);
        var expected = ReferenceMath.MatMul(c.A, c.B, m, n, k, ta, tb, c.Bias, (flags & GemmEpilogue.ReluFlag) != 0, c.Mask, out var magnitude);
        Close.All(expected, got, i => ErrorBounds.Gemm(k, magnitude[i]) + 1e-30,
            $"GEMM {layout} M={m} N={n} K={k} epilogue={new GemmEpilogue(flags)}");
    }

    private void Check(string backendName, int m, int n, int k, Layout layout, int flags, int seed = 0)
    {
        var backend = backends.Get(backendName);
        var c = MakeCase(m, n, k, flags, seed);
        CheckAgainstReference(Run(backend, c, m, n, k, layout, flags), c, m, n, k, layout, flags);
    }

    /// <summary>Every GEMM backend with each case of <paramref name="cases"/>.</summary>
    private static TheoryData<string, Layout, int, int> OnEveryBackend(IEnumerable<(Layout, int, int)> cases)
    {
        var data = new TheoryData<string, Layout, int, int>();
        foreach (string backend in BackendFixture.GemmBackends)
            foreach (var (layout, a, b) in cases)
                data.Add(backend, layout, a, b);
        return data;
    }

    public static TheoryData<string, Layout, int, int> AwkwardLayouts() =>
        OnEveryBackend(from layout in Enum.GetValues<Layout>() from m in Awkward from n in Awkward select (layout, m, n));

    [Theory]
    [MemberData(nameof(AwkwardLayouts))]
    public void Matches_reference_at_awkward_sizes(string backend, Layout layout, int m, int n)
    {
        foreach (int k in Awkward)
            Check(backend, m, n, k, layout, flags: 0);
    }

    public static TheoryData<string, Layout, int, int, int> LargeShapes()
    {
        var data = new TheoryData<string, Layout, int, int, int>();
        foreach (string backend in BackendFixture.GemmBackends)
        {
            foreach (var layout in Enum.GetValues<Layout>())
            {
                data.Add(backend, layout, 257, 65, 7);
                data.Add(backend, layout, 63, 257, 65);
                data.Add(backend, layout, 7, 63, 257);
            }
            data.Add(backend, Layout.NN, 257, 257, 257);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Matches_reference_at_257(string backend, Layout layout, int m, int n, int k) =>
        Check(backend, m, n, k, layout, flags: 0);

    private static readonly (string What, Layout Layout, int M, int N, int K, int Flags)[] Mlp =
    [
        ("layer 1 forward: X[64,784]·W1[512,784]ᵀ + b1, ReLU", Layout.NT, 64, 512, 784, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag),
        ("layer 2 forward: H1[64,512]·W2[512,512]ᵀ + b2, ReLU", Layout.NT, 64, 512, 512, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag),
        ("layer 3 forward: H2[64,512]·W3[10,512]ᵀ + b3", Layout.NT, 64, 10, 512, GemmEpilogue.BiasFlag),
        ("dH2 = dY[64,10]·W3[10,512], ReLU mask by H2", Layout.NN, 64, 512, 10, GemmEpilogue.MaskFlag),
        ("dH1 = dH2[64,512]·W2[512,512], ReLU mask by H1", Layout.NN, 64, 512, 512, GemmEpilogue.MaskFlag),
        ("dW3 = dY[64,10]ᵀ·H2[64,512]", Layout.TN, 10, 512, 64, 0),
        ("dW2 = dH2[64,512]ᵀ·H1[64,512]", Layout.TN, 512, 512, 64, 0),
        ("dW1 = dH1[64,512]ᵀ·X[64,784]", Layout.TN, 512, 784, 64, 0),
        ("dX = dH1[64,512]·W1[512,784]", Layout.NN, 64, 784, 512, 0),
    ];

    /// <summary>The GEMMs of the 784-512-512-10 MLP at batch 64, with the epilogues training uses.</summary>
    public static TheoryData<string, string, Layout, int, int, int, int> MlpShapes()
    {
        var data = new TheoryData<string, string, Layout, int, int, int, int>();
        foreach (string backend in BackendFixture.GemmBackends)
            foreach (var (what, layout, m, n, k, flags) in Mlp)
                data.Add(backend, what, layout, m, n, k, flags);
        return data;
    }

    [Theory]
    [MemberData(nameof(MlpShapes))]
    public void Matches_reference_at_mlp_shapes(string backend, string what, Layout layout, int m, int n, int k, int flags)
    {
        Assert.NotEmpty(what);
        Check(backend, m, n, k, layout, flags);
    }

    public static TheoryData<string, Layout, int> EpilogueCombinations()
    {
        var data = new TheoryData<string, Layout, int>();
        foreach (string backend in BackendFixture.GemmBackends)
            foreach (var layout in Enum.GetValues<Layout>())
                for (int flags = 0; flags < 8; flags++)
                    data.Add(backend, layout, flags);
        return data;
    }

    [Theory]
    [MemberData(nameof(EpilogueCombinations))]
    public void Applies_every_epilogue_combination(string backend, Layout layout, int flags)
    {
        Check(backend, 65, 63, 17, layout, flags);
        Check(backend, 7, 1, 65, layout, flags);
        Check(backend, 1, 7, 1, layout, flags);
    }

    public static TheoryData<string, int> EmptyInnerDimensionCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in BackendFixture.GemmBackends.Append(BackendFixture.Tiled))
            foreach (int flags in new[] { 0, GemmEpilogue.BiasFlag, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag, GemmEpilogue.BiasFlag | GemmEpilogue.MaskFlag, 7 })
                data.Add(backend, flags);
        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyInnerDimensionCases))]
    public void Empty_inner_dimension_gives_the_epilogue_of_zero(string backend, int flags) =>
        Check(backend, 7, 5, 0, Layout.NN, flags);

    public static TheoryData<string, Layout, int, int, int> SgdCases()
    {
        var data = new TheoryData<string, Layout, int, int, int>();
        foreach (string backend in BackendFixture.GemmBackends.Append(BackendFixture.Tiled))
        {
            data.Add(backend, Layout.TN, 65, 70, 17);
            data.Add(backend, Layout.NN, 7, 63, 1);
            data.Add(backend, Layout.NT, 1, 7, 65);
        }
        foreach (string backend in BackendFixture.GemmBackends)
        {
            data.Add(backend, Layout.TN, 512, 784, 64); // dW1 of the MLP, updating W1
            data.Add(backend, Layout.TN, 10, 512, 64);  // dW3
            data.Add(backend, Layout.NT, 257, 65, 300);
        }
        return data;
    }

    /// <summary>
    /// The SGD epilogue: C is a parameter P and the GEMM's result g its gradient; C becomes
    /// P − lr·g. Bound: g is within γ_{K+1}·Σ|a·b| of exact (scaled by lr), and the update itself
    /// within <see cref="ErrorBounds.Sgd"/>. Checked against float64 on every backend, with a
    /// guard after C.
    /// </summary>
    [Theory]
    [MemberData(nameof(SgdCases))]
    public void Sgd_epilogue_updates_c_in_place_by_the_product(string backendName, Layout layout, int m, int n, int k)
    {
        var backend = backends.Get(backendName);
        var c = MakeCase(m, n, k, 0, seed: 12);
        var p = TestData.Uniform(TestData.Rng(m, n, 99), m * n);
        const float lr = 0.37f;
        var (ta, tb) = Transposes(layout);
        using var da = backend.Put(c.A);
        using var db = backend.Put(c.B);
        using var dp = backend.Put(p.Concat(Enumerable.Repeat(Sentinel, Guard)).ToArray());
        using var rate = backend.Put(new[] { lr }); // the optimizer's hyperparameter block: lr first
        backend.Gemm(da, db, dp, GemmShape.For(m, n, k, ta, tb), GemmEpilogue.Sgd(), rate, null);
        var got = backend.Floats(dp, m * n + Guard);
        Close.Untouched(got, m * n, m * n + Guard, Sentinel, $"SGD GEMM {layout} {m}x{n}x{k} wrote past P");
        var g = ReferenceMath.MatMul(c.A, c.B, m, n, k, ta, tb, null, false, null, out var magnitude);
        var expected = new double[m * n];
        for (int i = 0; i < expected.Length; i++) expected[i] = p[i] - (double)lr * g[i];
        Close.All(expected, got[..(m * n)], i => lr * ErrorBounds.Gemm(k, magnitude[i]) + ErrorBounds.Sgd(p[i], (float)g[i], lr) + 1e-30,
            $"SGD GEMM {layout} {m}x{n}x{k} on {backendName}");
    }

    [Theory]
    [MemberData(nameof(BackendFixture.GemmBackendNames), MemberType = typeof(BackendFixture))]
    public void Is_deterministic(string backendName)
    {
        var backend = backends.Get(backendName);
        var c = MakeCase(65, 63, 257, 3, seed: 3);
        Close.Bitwise(Run(backend, c, 65, 63, 257, Layout.NT, 3), Run(backend, c, 65, 63, 257, Layout.NT, 3), "second run");
    }

    // ---- native backend: the same bits whatever the thread count -------------------------------

    /// <summary>
    /// The native GEMM splits work over output tiles only and sums each output's K products in one
    /// ordered chain, so 1, 2 and 3 worker threads give the same bits, at the MLP's shapes and at
    /// ragged ones.
    /// </summary>
    [Theory]
    [InlineData(Layout.NT, 64, 512, 784, 3)]
    [InlineData(Layout.NN, 64, 784, 512, 4)]
    [InlineData(Layout.TN, 512, 784, 64, 0)]
    [InlineData(Layout.TN, 257, 65, 63, 7)]
    [InlineData(Layout.NN, 65, 257, 7, 5)]
    public void Native_gives_the_same_bits_on_any_thread_count(Layout layout, int m, int n, int k, int flags)
    {
        var c = MakeCase(m, n, k, flags, seed: 10);
        var two = Run(backends.Get(BackendFixture.Native), c, m, n, k, layout, flags);
        CheckAgainstReference(two, c, m, n, k, layout, flags);
        Close.Bitwise(two, Run(backends.Get(BackendFixture.NativeOneThread), c, m, n, k, layout, flags), "1 thread vs 2");
        Close.Bitwise(two, Run(backends.Get(BackendFixture.NativeThreeThreads), c, m, n, k, layout, flags), "3 threads vs 2");
    }

    // ---- ILGPU: the tiled GPU kernel, and the same bits from all three variants ----------------

    /// <summary>
    /// Shapes for the tiled GEMM as the one-multiprocessor CPU accelerator plans it (64x64 tiles,
    /// one K-chunk): edges that are not multiples of the tile, K not a multiple of the 16-deep
    /// slice. The MLP's real shapes run as a GPU plans them (32x32 tiles, split-K) in
    /// <see cref="TiledGemmGpuPlanTests"/>.
    /// </summary>
    public static TheoryData<Layout, int, int, int, int> TiledCases()
    {
        var data = new TheoryData<Layout, int, int, int, int>();
        (int M, int N, int K)[] shapes = [(1, 1, 1), (7, 65, 17), (65, 7, 33), (64, 64, 16), (70, 66, 7), (63, 65, 63), (65, 63, 65), (70, 70, 70), (1, 70, 31)];
        int i = 0;
        foreach (var layout in Enum.GetValues<Layout>())
            foreach (var (m, n, k) in shapes)
                data.Add(layout, m, n, k, i++ % 8);
        data.Add(Layout.TN, 513, 65, 63, 0);
        return data;
    }

    /// <summary>
    /// The tiled (GPU) variant on the CPU accelerator: correct against float64, and bit-identical
    /// to the register-blocked variant because both sum p = 0..K-1 in order and then apply the
    /// same epilogue.
    /// </summary>
    [Theory]
    [MemberData(nameof(TiledCases))]
    public void Tiled_matches_reference_and_is_bit_identical_to_register_blocked(Layout layout, int m, int n, int k, int flags)
    {
        var c = MakeCase(m, n, k, flags, seed: 1);
        var tiled = Run(backends.Get(BackendFixture.Tiled), c, m, n, k, layout, flags);
        CheckAgainstReference(tiled, c, m, n, k, layout, flags);
        var blocked = Run(backends.Get(BackendFixture.Fast), c, m, n, k, layout, flags);
        Close.Bitwise(blocked, tiled, $"tiled vs register-blocked {layout} {m}x{n}x{k} epilogue={new GemmEpilogue(flags)}");
    }

    [Theory]
    [InlineData(Layout.NN)]
    [InlineData(Layout.NT)]
    [InlineData(Layout.TN)]
    public void Tiled_applies_every_epilogue_combination(Layout layout)
    {
        for (int flags = 0; flags < 8; flags++)
        {
            var c = MakeCase(65, 70, 17, flags, seed: 2);
            var tiled = Run(backends.Get(BackendFixture.Tiled), c, 65, 70, 17, layout, flags);
            CheckAgainstReference(tiled, c, 65, 70, 17, layout, flags);
            Close.Bitwise(Run(backends.Get(BackendFixture.Fast), c, 65, 70, 17, layout, flags), tiled, "tiled vs register-blocked");
        }
    }

    [Fact]
    public void Naive_backend_reports_its_variant()
    {
        var backend = Assert.IsType<IlgpuBackend>(backends.Get(BackendFixture.Naive));
        Assert.Equal(GemmVariant.Naive, backend.GemmVariant);
        Assert.Equal(DeviceKind.IlgpuCpu, backend.Description.Kind);
    }

    /// <summary>All three ILGPU variants at awkward shapes with every epilogue: the same bits.</summary>
    [Theory]
    [InlineData(Layout.NN)]
    [InlineData(Layout.NT)]
    [InlineData(Layout.TN)]
    public void Ilgpu_variants_are_bit_identical(Layout layout)
    {
        for (int flags = 0; flags < 8; flags++)
        {
            var c = MakeCase(70, 65, 33, flags, seed: 8);
            var tiled = Run(backends.Get(BackendFixture.Tiled), c, 70, 65, 33, layout, flags);
            var naive = Run(backends.Get(BackendFixture.Naive), c, 70, 65, 33, layout, flags);
            var blocked = Run(backends.Get(BackendFixture.Fast), c, 70, 65, 33, layout, flags);
            Close.Bitwise(tiled, naive, $"naive vs tiled {layout} epilogue={new GemmEpilogue(flags)}");
            Close.Bitwise(blocked, naive, $"naive vs register-blocked {layout} epilogue={new GemmEpilogue(flags)}");
        }
        foreach (var (what, mlpLayout, m, n, k, flags) in Mlp)
        {
            var c = MakeCase(m, n, k, flags, seed: 6);
            Close.Bitwise(Run(backends.Get(BackendFixture.Fast), c, m, n, k, mlpLayout, flags),
                Run(backends.Get(BackendFixture.Naive), c, m, n, k, mlpLayout, flags), $"naive vs register-blocked: {what}");
        }
    }
}
