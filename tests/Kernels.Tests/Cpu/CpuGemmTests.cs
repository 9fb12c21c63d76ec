using System.Runtime.InteropServices;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>
/// The native GEMM below the backend: every ISA path this processor runs and every thread count
/// give the bits of one scalar chain of fused multiply-adds per output (the contract that makes
/// results independent of how the work is split), and stay within the float64 bound.
/// </summary>
public sealed unsafe class CpuGemmTests
{
    public enum Layout { NN, NT, TN }

    public static IEnumerable<GemmIsa> Paths => Enum.GetValues<GemmIsa>().Where(GemmIsaInfo.IsSupported);

    /// <summary>The contract, written plainly: acc = fma(a(i,p), b(p,j), acc) for p = 0..K−1, then the epilogue.</summary>
    private static float[] ScalarFmaReference(float[] a, float[] b, GemmShape s, int flags, float[]? bias, float[]? mask)
    {
        var e = new GemmEpilogue(flags, 0.37f);
        var c = new float[s.M * s.N];
        for (int i = 0; i < s.M; i++)
            for (int j = 0; j < s.N; j++)
            {
                float acc = 0f;
                for (int p = 0; p < s.K; p++)
                    acc = MathF.FusedMultiplyAdd(a[i * s.AStrideI + p * s.AStrideP], b[p * s.BStrideP + j * s.BStrideJ], acc);
                if (e.HasSgd) { c[i * s.N + j] = mask![i * s.N + j] - e.LearningRate * acc; continue; }
                if (e.HasBias) acc += bias![j];
                if (e.HasRelu) acc = acc > 0f ? acc : 0f;
                if (e.HasMask && !(mask![i * s.N + j] > 0f)) acc = 0f;
                c[i * s.N + j] = acc;
            }
        return c;
    }

    private static float[] Run(GemmIsa isa, int threads, float[] a, float[] b, GemmShape s, int flags, float[]? bias, float[]? mask)
    {
        using var pool = new WorkerPool(threads);
        using var gemm = new CpuGemm(pool, isa);
        const float Sentinel = -7777.25f;
        var c = new float[s.M * s.N + 17];
        Array.Fill(c, Sentinel);
        if ((flags & GemmEpilogue.SgdFlag) != 0) mask!.CopyTo(c, 0); // the SGD epilogue updates C: start it at the "mask" values
        fixed (float* pa = a, pb = b, pc = c, pbias = bias, pmask = mask)
            gemm.Run(pa, pb, pc, s, new GemmEpilogue(flags, 0.37f), pbias, pmask);
        Close.Untouched(c, s.M * s.N, c.Length, Sentinel, $"{isa} wrote past C");
        return c[..(s.M * s.N)];
    }

    public static TheoryData<Layout, int, int, int, int> Shapes()
    {
        var data = new TheoryData<Layout, int, int, int, int>();
        int flags = 0;
        foreach (var layout in Enum.GetValues<Layout>())
            foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 63, 65), (65, 7, 257), (63, 65, 7), (257, 33, 17), (9, 257, 64), (64, 10, 512), (10, 512, 64), (64, 512, 10), (1, 1, 0) })
                data.Add(layout, m, n, k, flags++ % 9 is var f && f == 8 ? GemmEpilogue.SgdFlag : f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_path_and_thread_count_gives_the_bits_of_the_scalar_fma_chain(Layout layout, int m, int n, int k, int flags)
    {
        var rng = TestData.Rng(m, n, k, flags);
        var a = TestData.Uniform(rng, m * k);
        var b = TestData.Uniform(rng, k * n);
        var bias = TestData.Uniform(rng, n);
        var mask = TestData.Uniform(rng, m * n);
        var shape = GemmShape.For(m, n, k, layout == Layout.TN, layout == Layout.NT);
        var expected = ScalarFmaReference(a, b, shape, flags, bias, mask);
        var reference = ReferenceMath.MatMul(a, b, m, n, k, layout == Layout.TN, layout == Layout.NT,
            (flags & GemmEpilogue.BiasFlag) != 0 ? bias : null, (flags & GemmEpilogue.ReluFlag) != 0,
            (flags & GemmEpilogue.MaskFlag) != 0 ? mask : null, out var magnitude);
        if ((flags & GemmEpilogue.SgdFlag) == 0)
            Close.All(reference, expected, i => ErrorBounds.Gemm(k, magnitude[i]) + 1e-30, "scalar FMA chain vs float64");
        foreach (var isa in Paths)
            foreach (int threads in new[] { 1, 2, 3 })
                Close.Bitwise(expected, Run(isa, threads, a, b, shape, flags, bias, mask), $"{isa}, {threads} threads, {layout} {m}x{n}x{k} flags {flags}");
    }

    [Fact]
    public void The_default_path_is_the_widest_this_processor_runs()
    {
        Assert.Equal(GemmIsaInfo.Name(GemmIsaInfo.Best), CpuGemm.Isa);
        Assert.Contains(GemmIsa.Vector128, Paths);
    }

    [Fact]
    public void A_gemm_after_warm_up_allocates_no_managed_memory()
    {
        using var pool = new WorkerPool(2);
        using var gemm = new CpuGemm(pool);
        var shape = GemmShape.For(64, 512, 784, false, true);
        int bytes = (64 * 784 + 512 * 784 + 64 * 512 + 512) * sizeof(float);
        float* memory = (float*)NativeMemory.AllocZeroed((nuint)bytes);
        try
        {
            float* a = memory, b = a + 64 * 784, c = b + 512 * 784, bias = c + 64 * 512;
            var e = new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag);
            for (int i = 0; i < 5; i++) gemm.Run(a, b, c, shape, e, bias, null);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) gemm.Run(a, b, c, shape, e, bias, null);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.True(after - before < 1000, $"20 GEMMs allocated {after - before} bytes");
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }
}
