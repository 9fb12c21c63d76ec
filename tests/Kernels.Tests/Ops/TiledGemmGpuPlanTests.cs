using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;
using static Trainer.Kernels.Tests.Ops.GemmTests;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// The tiled GEMM as a 132-multiprocessor GPU runs it (<see cref="BackendFixture.TiledGpuPlan"/>:
/// 32x32 tiles and split-K at the MLP's shapes), on ILGPU's CPU accelerator: every GEMM a dense
/// layer's training step makes (forward NT, input gradient NN, weight gradient TN) at the MLP's
/// real shapes and at ragged ones, against float64 within the shared Higham bound. The CPU
/// device has groups of at most 64 threads (the 32x32 tiles' 8x8), which halves the emulation's
/// cost against 256: these tests take about 35 s on two cores.
/// </summary>
public sealed class TiledGemmGpuPlanTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    /// <summary>
    /// A dense layer of <paramref name="inputs"/>→<paramref name="outputs"/> at batch <paramref name="batch"/>
    /// makes three GEMMs: Y = X·Wᵀ (NT, M=batch, N=out, K=in), dX = dY·W (NN, M=batch, N=in, K=out)
    /// and dW = dYᵀ·X (TN, M=out, N=in, K=batch).
    /// </summary>
    private static IEnumerable<(string What, Layout Layout, int M, int N, int K)> LayerGemms(int batch, int inputs, int outputs) =>
    [
        ($"forward {batch}x{inputs}->{outputs}", Layout.NT, batch, outputs, inputs),
        ($"input gradient {batch}x{inputs}->{outputs}", Layout.NN, batch, inputs, outputs),
        ($"weight gradient {batch}x{inputs}->{outputs}", Layout.TN, outputs, inputs, batch),
    ];

    public static TheoryData<string, Layout, int, int, int, int> LayerCases()
    {
        var data = new TheoryData<string, Layout, int, int, int, int>();
        int flags = 0;
        foreach (var (batch, inputs, outputs) in new[] { (64, 784, 512), (64, 512, 10), (1, 7, 257) })
            foreach (var (what, layout, m, n, k) in LayerGemms(batch, inputs, outputs))
                data.Add(what, layout, m, n, k, flags++ % 8);
        // Ragged in M, N and K and split 6 ways with a short last chunk; its NN and TN siblings
        // (13 s and 8 s here) add no path the 64x784->512 layer does not already take.
        data.Add("forward 65x783->513", Layout.NT, 65, 513, 783, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag);
        return data;
    }

    /// <summary>Correct against float64 within <see cref="ErrorBounds.Gemm"/>, with every epilogue in turn; twice, for the same bits.</summary>
    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Matches_reference_at_layer_shapes(string what, Layout layout, int m, int n, int k, int flags)
    {
        var backend = backends.Get(BackendFixture.TiledGpuPlan);
        var c = MakeCase(m, n, k, flags, seed: 21);
        var got = Run(backend, c, m, n, k, layout, flags);
        CheckAgainstReference(got, c, m, n, k, layout, flags);
        Close.Bitwise(got, Run(backend, c, m, n, k, layout, flags), $"{what}, run again");
    }

    /// <summary>
    /// Split-K sums chunk z over its p in order, then the chunks in order z = 0, 1, …, then applies
    /// the epilogue once: the same float32 operations on the host give the same bits. This pins the
    /// order (no dependence on which group finishes first) and that bias, ReLU, mask and SGD are not
    /// applied per chunk.
    /// </summary>
    [Theory]
    [InlineData(Layout.NT, 64, 10, 512, GemmEpilogue.BiasFlag)]
    [InlineData(Layout.NN, 1, 7, 257, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag | GemmEpilogue.MaskFlag)]
    [InlineData(Layout.TN, 10, 65, 64, GemmEpilogue.MaskFlag)]
    public void Split_k_adds_chunks_in_order_and_applies_the_epilogue_once(Layout layout, int m, int n, int k, int flags)
    {
        var backend = (IlgpuBackend)backends.Get(BackendFixture.TiledGpuPlan);
        var shape = GemmShape.For(m, n, k, Transposes(layout).A, Transposes(layout).B);
        var tiling = backend.GemmTilingFor(shape);
        Assert.True(tiling.Splits > 1, $"{m}x{n}x{k} should split K on 132 multiprocessors, got {tiling}");
        var c = MakeCase(m, n, k, flags, seed: 22);
        var got = Run(backend, c, m, n, k, layout, flags);
        var e = new GemmEpilogue(flags);
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float acc = 0f;
                for (int z = 0; z < tiling.Splits; z++)
                {
                    float partial = 0f;
                    for (int p = z * tiling.KChunk; p < Math.Min(k, (z + 1) * tiling.KChunk); p++)
                        partial += c.A[i * shape.AStrideI + p * shape.AStrideP] * c.B[p * shape.BStrideP + j * shape.BStrideJ];
                    acc = z == 0 ? partial : acc + partial;
                }
                if (e.HasBias) acc += c.Bias![j];
                if (e.HasRelu) acc = acc > 0f ? acc : 0f;
                if (e.HasMask && !(c.Mask![i * n + j] > 0f)) acc = 0f;
                expected[i * n + j] = acc;
            }
        Close.Bitwise(expected, got, $"split-K {layout} {m}x{n}x{k} ({tiling}) vs the host's chunked float32 sum");
        Close.Bitwise(got, Run(backend, c, m, n, k, layout, flags), "second run");
    }

    /// <summary>The fused SGD update after a split-K weight gradient (dW3: 4 chunks of 16): P − lr·g applied once, within the bound.</summary>
    [Fact]
    public void Sgd_epilogue_after_split_k_updates_the_parameter_once()
    {
        var backend = (IlgpuBackend)backends.Get(BackendFixture.TiledGpuPlan);
        const int m = 10, n = 512, k = 64;
        const float lr = 0.37f;
        var shape = GemmShape.For(m, n, k, true, false);
        Assert.Equal(4, backend.GemmTilingFor(shape).Splits);
        var c = MakeCase(m, n, k, 0, seed: 23);
        var p = TestData.Uniform(TestData.Rng(m, n, 98), m * n);
        using var da = backend.Put(c.A);
        using var db = backend.Put(c.B);
        using var dp = backend.Put(p.Concat(Enumerable.Repeat(Sentinel, Guard)).ToArray());
        using var rate = backend.Put(new[] { lr }); // the optimizer's hyperparameter block: lr first
        backend.Gemm(da, db, dp, shape, GemmEpilogue.Sgd(), rate, null);
        var got = backend.Floats(dp, m * n + Guard);
        Close.Untouched(got, m * n, m * n + Guard, Sentinel, "split-K SGD wrote past P");
        var g = ReferenceMath.MatMul(c.A, c.B, m, n, k, true, false, null, false, null, out var magnitude);
        var expected = new double[m * n];
        for (int i = 0; i < expected.Length; i++) expected[i] = p[i] - (double)lr * g[i];
        Close.All(expected, got[..(m * n)], i => lr * ErrorBounds.Gemm(k, magnitude[i]) + ErrorBounds.Sgd(p[i], (float)g[i], lr) + 1e-30,
            "split-K SGD GEMM dW3");
    }

    /// <summary>A split GEMM is two launches (chunks, then the reduction), and its workspace is allocated once per size, when a GEMM of it is bound (PrepareGemm), not per launch.</summary>
    [Fact]
    public void Split_k_counts_two_launches_and_allocates_its_workspace_once()
    {
        var backend = (IlgpuBackend)backends.Get(BackendFixture.TiledGpuPlan);
        var shape = GemmShape.For(3, 5, 100, false, true);
        var tiling = backend.GemmTilingFor(shape);
        Assert.True(tiling.Splits > 1, tiling.ToString());
        using var a = backend.Put(new float[3 * 100]);
        using var b = backend.Put(new float[5 * 100]);
        using var c = backend.Allocate(3 * 5 * 4);
        ((ILayerKernels)backend).PrepareGemm(shape);
        long allocations = backend.Memory.Allocations, launches = backend.LaunchCount;
        ((ILayerKernels)backend).PrepareGemm(shape);
        backend.Gemm(a, b, c, shape, GemmEpilogue.None, null, null);
        backend.Gemm(a, b, c, shape, GemmEpilogue.None, null, null);
        Assert.Equal(allocations, backend.Memory.Allocations);
        Assert.Equal(launches + 4, backend.LaunchCount);
    }
}
