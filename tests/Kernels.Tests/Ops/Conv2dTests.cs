using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// Convolution forward, input gradient and weight gradient against one float64 scatter loop, at
/// awkward shapes: batch 1, odd H and W, padding 0, 1 and 2, stride 1, 2 and 3, one channel and
/// many, 1x1 kernels, a kernel as large as the padded input, and LeNet's two layers.
/// </summary>
[Collection(ConvolutionBackends.Name)]
public sealed class Conv2dTests(BackendFixture backends)
{
    // N, C, H, W, O, KH, KW, stride, pad
    private static readonly int[][] Shapes =
    [
        [1, 1, 5, 5, 1, 3, 3, 1, 0],
        [2, 3, 7, 6, 4, 3, 3, 2, 1],
        [1, 2, 5, 5, 3, 5, 5, 1, 2],
        [3, 1, 9, 9, 2, 2, 2, 2, 0],
        [1, 2, 7, 7, 5, 1, 1, 1, 0],
        [1, 1, 4, 4, 1, 3, 3, 3, 1],
        [2, 2, 6, 5, 3, 3, 2, 1, 1],
        [4, 1, 28, 28, 6, 5, 5, 1, 2],   // LeNet conv1 (padded so 28x28 keeps the 32x32 geometry)
        [4, 6, 14, 14, 16, 5, 5, 1, 0],  // LeNet conv2
    ];

    /// <summary>
    /// Every backend, plus ILGPU's CPU accelerator with the GPU's tiled GEMM, whose convolutions are
    /// the tiled implicit GEMMs a GPU runs (PoCL, in <see cref="BackendFixture.All"/> where installed,
    /// runs them too); the other ILGPU backends run the direct loops.
    /// </summary>
    public static IReadOnlyList<string> Backends { get; } = [.. BackendFixture.All, BackendFixture.TiledGpuPlan];

    public static TheoryData<string> BackendNames() => new(Backends);

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in Backends)
            for (int i = 0; i < Shapes.Length; i++)
                data.Add(backend, i);
        return data;
    }

    private static Conv2dShape ShapeOf(int[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[7], v[8], v[8]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_both_gradients_match_float64(string backendName, int shapeIndex)
    {
        var backend = backends.Get(backendName);
        var s = ShapeOf(Shapes[shapeIndex]);
        var rng = TestData.Rng(shapeIndex, 31);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);

        using var dX = backend.Put(x);
        using var dW = backend.Put(w);
        using var dDy = backend.Put(dy);
        using var dY = backend.Filled((int)s.OutputCount + 2, float.NaN);
        using var dDx = backend.Filled((int)s.InputCount + 2, float.NaN);
        using var dDw = backend.Filled((int)s.WeightCount + 2, float.NaN);
        // A workspace full of NaN: a kernel that read scratch it had not written would show it.
        using var workspace = Workspace(backend, s, float.NaN);
        backend.Conv2d(dX, dW, null, dY, s, GemmEpilogue.None, workspace);
        backend.Conv2dBackwardData(dDy, dW, dDx, s, workspace);
        backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);

        int terms = s.C * s.KH * s.KW, dataTerms = s.O * s.KH * s.KW, filterTerms = s.N * s.OH * s.OW;
        Check(backend.Floats(dY, (int)s.OutputCount + 2), ey, eym, terms, $"conv2d {s}");
        Check(backend.Floats(dDx, (int)s.InputCount + 2), edx, edxm, dataTerms, $"conv2d backward data {s}");
        Check(backend.Floats(dDw, (int)s.WeightCount + 2), edw, edwm, filterTerms, $"conv2d backward filter {s}");
    }

    /// <summary>Recursive float32 summation of k products: |error| ≤ γ_{k+1}·Σ|term|; and nothing written past the end.</summary>
    private static void Check(float[] got, double[] expected, double[] magnitude, int terms, string what)
    {
        Close.Untouched(got, expected.Length, expected.Length + 2, float.NaN, what + " wrote past its output");
        Close.All(expected, got[..expected.Length], i => Close.Gamma(terms + 1) * magnitude[i], what);
    }

    /// <summary>
    /// The native backend's im2col + GEMM gives the same bits on 1, 2 and 3 threads (each output one
    /// fixed-order chain); ILGPU's direct loops, checked above against float64, round differently.
    /// </summary>
    [Fact]
    public void Native_results_do_not_depend_on_the_thread_count()
    {
        var s = ShapeOf(Shapes[7]);
        var rng = TestData.Rng(77);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        (float[], float[], float[]) Run(string name)
        {
            var backend = backends.Get(name);
            using var dX = backend.Put(x);
            using var dW = backend.Put(w);
            using var dDy = backend.Put(dy);
            using var dY = backend.Filled((int)s.OutputCount, 0f);
            using var dDx = backend.Filled((int)s.InputCount, 0f);
            using var dDw = backend.Filled((int)s.WeightCount, 0f);
            using var workspace = Workspace(backend, s, 0f);
            backend.Conv2d(dX, dW, null, dY, s, GemmEpilogue.None, workspace);
            backend.Conv2dBackwardData(dDy, dW, dDx, s, workspace);
            backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);
            return (backend.Floats(dY, (int)s.OutputCount), backend.Floats(dDx, (int)s.InputCount), backend.Floats(dDw, (int)s.WeightCount));
        }
        var native = Run(BackendFixture.Native);
        foreach (var other in new[] { BackendFixture.NativeThreeThreads, BackendFixture.NativeOneThread })
        {
            var r = Run(other);
            Close.Bitwise(native.Item1, r.Item1, $"conv2d forward, cpu vs {other}");
            Close.Bitwise(native.Item2, r.Item2, $"conv2d backward data, cpu vs {other}");
            Close.Bitwise(native.Item3, r.Item3, $"conv2d backward filter, cpu vs {other}");
        }
    }

    public static TheoryData<string, int, int> EpilogueCases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in Backends)
            foreach (int shape in new[] { 0, 1, 6, 7 })
                foreach (int flags in new[] { GemmEpilogue.BiasFlag, GemmEpilogue.ReluFlag, GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag })
                    data.Add(backend, shape, flags);
        return data;
    }

    /// <summary>
    /// The fused bias and ReLU epilogue: against float64 (the bias adds one rounding; ReLU is
    /// 1-Lipschitz and so keeps the bound), and bit for bit against the unfused kernels it replaces
    /// in graph mode (Conv2d, then ChannelBiasAdd over axis 1, then Relu), on the same backend.
    /// </summary>
    [Theory]
    [MemberData(nameof(EpilogueCases))]
    public void The_bias_and_relu_epilogue_matches_float64_and_the_unfused_kernels_bit_for_bit(string backendName, int shapeIndex, int flags)
    {
        var backend = backends.Get(backendName);
        var s = ShapeOf(Shapes[shapeIndex]);
        var epilogue = new GemmEpilogue(flags);
        var rng = TestData.Rng(shapeIndex, flags, 37);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var b = TestData.Uniform(rng, s.O, -1f, 1f);
        var (ey, eym, _, _, _, _) = ReferenceMath.Conv2d(x, w, new float[s.OutputCount], s);
        long plane = (long)s.OH * s.OW;
        var expected = new double[ey.Length];
        var bound = new double[ey.Length];
        for (long i = 0; i < ey.Length; i++)
        {
            double bias = epilogue.HasBias ? b[i / plane % s.O] : 0;
            double v = ey[i] + bias;
            expected[i] = epilogue.HasRelu ? Math.Max(0, v) : v;
            bound[i] = Close.Gamma(s.C * s.KH * s.KW + 2) * (eym[i] + Math.Abs(bias));
        }

        using var dX = backend.Put(x);
        using var dW = backend.Put(w);
        using var dB = backend.Put(b);
        using var workspace = Workspace(backend, s, float.NaN);
        using var fused = backend.Filled((int)s.OutputCount + 2, float.NaN);
        backend.Conv2d(dX, dW, dB, fused, s, epilogue, workspace);
        var got = backend.Floats(fused, (int)s.OutputCount + 2);
        Close.Untouched(got, expected.Length, expected.Length + 2, float.NaN, $"conv2d[{epilogue}] {s} wrote past its output");
        Close.All(expected, got[..expected.Length], i => bound[i], $"conv2d[{epilogue}] {s}");

        using var plain = backend.Filled((int)s.OutputCount, float.NaN);
        using var biased = backend.Filled((int)s.OutputCount, float.NaN);
        using var rectified = backend.Filled((int)s.OutputCount, float.NaN);
        backend.Conv2d(dX, dW, null, plain, s, GemmEpilogue.None, workspace);
        var last = plain;
        if (epilogue.HasBias)
        {
            backend.ChannelBiasAdd(last, dB, biased, s.N, s.O, (int)plane);
            last = biased;
        }
        if (epilogue.HasRelu)
        {
            backend.Relu(last, rectified, (int)s.OutputCount);
            last = rectified;
        }
        Close.Bitwise(backend.Floats(last, (int)s.OutputCount), got[..expected.Length], $"conv2d[{epilogue}] {s} fused vs unfused");
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void A_workspace_smaller_than_declared_or_a_bias_epilogue_without_a_bias_is_refused(string backendName)
    {
        var backend = backends.Get(backendName);
        var s = ShapeOf(Shapes[1]);
        using var x = backend.Filled((int)s.InputCount, 1f);
        using var w = backend.Filled((int)s.WeightCount, 1f);
        using var y = backend.Filled((int)s.OutputCount, 0f);
        using var workspace = Workspace(backend, s, 0f);
        var e = Assert.Throws<ArgumentException>(() => backend.Conv2d(x, w, null, y, s, new GemmEpilogue(GemmEpilogue.BiasFlag), workspace));
        Assert.Contains("bias", e.Message);
        if (backendName == BackendFixture.Native)
        {
            using var small = backend.Filled((int)s.WorkspaceFloats - 1, 0f);
            e = Assert.Throws<ArgumentException>(() => backend.Conv2d(x, w, null, y, s, GemmEpilogue.None, small));
            Assert.Contains($"needs {s.WorkspaceBytes} bytes of workspace", e.Message);
            e = Assert.Throws<ArgumentException>(() => backend.Conv2dBackwardFilter(x, y, w, s, null));
            Assert.Contains($"needs {s.WorkspaceBytes} bytes of workspace, got 0", e.Message);
        }
    }

    /// <summary>
    /// The native backend asks for the im2col panel and the channel-major planes, (C·KH·KW + O)·N·OH·OW
    /// floats, or less where its direct kernels take the shape (stride 1, a kernel larger than 1x1),
    /// never more, so the panel bounds every backend; ILGPU's tiled kernels for the split weight gradient's partial sums, Splits·O·C·KH·KW
    /// floats from the shape alone (<see cref="ConvTiling"/>), never more than the output gradient
    /// has; ILGPU's direct loops for nothing. The tests above run every backend with exactly
    /// what it asks for (null for nothing), so the declaration is also enough.
    /// </summary>
    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Each_backend_declares_the_workspace_its_convolutions_use(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (var shape in Shapes)
        {
            var s = ShapeOf(shape);
            long panel = ((long)s.C * s.KH * s.KW + s.O) * s.N * s.OH * s.OW * sizeof(float);
            long asked = backend.Conv2dWorkspaceBytes(s);
            if (backend is Trainer.Kernels.Cpu.CpuBackend)
            {
                Assert.InRange(asked, 1, panel);
                if (s.StrideH != 1 || s.KH * s.KW == 1) Assert.Equal(panel, asked);
            }
            else
            {
                long expected = backend is IlgpuBackend { ConvolutionsTiled: true } ? ConvTiling.Choose(ConvGemm.Filter(s)).WorkspaceFloats(ConvGemm.Filter(s)) * sizeof(float) : 0;
                Assert.Equal(expected, asked);
            }
            Assert.InRange(asked, 0, s.WorkspaceBytes);
        }
    }

    [Fact]
    public void A_kernel_larger_than_the_padded_input_is_refused_with_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2dShape(1, 1, 5, 5, 1, 32, 32, 1, 1, 0, 0));
        Assert.Equal("a 32x32 kernel does not fit a 5x5 input padded by (0,0)", e.Message);
    }

    /// <summary>The workspace the backend asks for (<see cref="IKernelBackend.Conv2dWorkspaceBytes"/>), filled with <paramref name="fill"/>; null when it asks for none.</summary>
    private static DeviceBuffer? Workspace(IKernelBackend backend, Conv2dShape s, float fill) =>
        backend.Conv2dWorkspaceBytes(s) is var bytes and > 0 ? backend.Filled((int)(bytes / sizeof(float)), fill) : null;
}
