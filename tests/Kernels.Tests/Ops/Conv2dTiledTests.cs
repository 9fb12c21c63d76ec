using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// The tiled implicit-GEMM convolutions (<see cref="IlgpuBackend.ConvTiledKernel"/>, what a GPU
/// runs) at LeNet-5's and ResNet-8's layer shapes, and at ragged ones (odd batch, channels and
/// planes that are no multiple of any tile side), on ILGPU's CPU accelerator with 64-thread groups
/// (<see cref="BackendFixture.TiledGpuPlan"/>) and on OpenCL through PoCL where it is installed,
/// against the same float64 loops as <see cref="Conv2dTests"/>. Batches are small: the CPU
/// accelerator emulates every group barrier with OS threads.
/// </summary>
[Collection(ConvolutionBackends.Name)]
public sealed class Conv2dTiledTests(BackendFixture backends)
{
    /// <summary>The backends whose convolutions are the tiled kernels.</summary>
    public static IReadOnlyList<string> Tiled { get; } =
        [BackendFixture.TiledGpuPlan, .. BackendFixture.All.Where(b => b == BackendFixture.OpenClPocl)];

    // What, N, C, H, W, O, KH, KW, stride, pad
    private static readonly (string What, int[] Shape)[] Layers =
    [
        ("LeNet conv1", [3, 1, 28, 28, 6, 5, 5, 1, 2]),
        ("LeNet conv2", [3, 6, 14, 14, 16, 5, 5, 1, 0]),
        ("ResNet-8 stem 3->16", [1, 3, 32, 32, 16, 3, 3, 1, 1]),
        ("ResNet-8 stage 1, 16->16", [1, 16, 32, 32, 16, 3, 3, 1, 1]),
        ("ResNet-8 stage 2 in, 16->32 stride 2", [2, 16, 32, 32, 32, 3, 3, 2, 1]),
        ("ResNet-8 stage 2 shortcut, 1x1 stride 2", [2, 16, 32, 32, 32, 1, 1, 2, 0]),
        ("ResNet-8 stage 2, 32->32", [1, 32, 16, 16, 32, 3, 3, 1, 1]),
        ("ResNet-8 stage 3 in, 32->64 stride 2", [2, 32, 16, 16, 64, 3, 3, 2, 1]),
        ("ResNet-8 stage 3 shortcut, 1x1 stride 2", [2, 32, 16, 16, 64, 1, 1, 2, 0]),
        ("ResNet-8 stage 3, 64->64", [1, 64, 8, 8, 64, 3, 3, 1, 1]),
        ("ragged 3x3 stride 2, 17->33 on 9x11", [3, 17, 9, 11, 33, 3, 3, 2, 1]),
        ("ragged 5x5, 7->65 on 13x7", [1, 7, 13, 7, 65, 5, 5, 1, 2]),
        ("ragged 1x1 stride 2, 65->9 on 7x7", [3, 65, 7, 7, 9, 1, 1, 2, 0]),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in Tiled)
            foreach (var (what, _) in Layers)
                data.Add(backend, what);
        return data;
    }

    private static Conv2dShape ShapeOf(string what)
    {
        var v = Layers.Single(l => l.What == what).Shape;
        return new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[7], v[8], v[8]);
    }

    /// <summary>
    /// Forward (with the bias and ReLU epilogue), input gradient and weight gradient against float64
    /// within Higham's bound for their depth (a split weight gradient sums at most K + 1 terms deep),
    /// into buffers with NaN past their end and a NaN-filled workspace of exactly the declared size.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_shapes_match_float64(string backendName, string what)
    {
        var backend = backends.Get(backendName);
        Assert.True(((IlgpuBackend)backend).ConvolutionsTiled);
        var s = ShapeOf(what);
        var rng = TestData.Rng(s.C, s.O, s.H, 41);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var b = TestData.Uniform(rng, s.O, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);
        long plane = (long)s.OH * s.OW;
        var expectedY = new double[ey.Length];
        var boundY = new double[ey.Length];
        for (long i = 0; i < ey.Length; i++)
        {
            double bias = b[i / plane % s.O];
            expectedY[i] = Math.Max(0, ey[i] + bias);
            boundY[i] = Close.Gamma(s.C * s.KH * s.KW + 2) * (eym[i] + Math.Abs(bias));
        }

        using var dX = backend.Put(x);
        using var dW = backend.Put(w);
        using var dB = backend.Put(b);
        using var dDy = backend.Put(dy);
        using var dY = backend.Filled((int)s.OutputCount + 2, float.NaN);
        using var dDx = backend.Filled((int)s.InputCount + 2, float.NaN);
        using var dDw = backend.Filled((int)s.WeightCount + 2, float.NaN);
        using var workspace = Workspace(backend, s);
        backend.Conv2d(dX, dW, dB, dY, s, new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag), workspace);
        backend.Conv2dBackwardData(dDy, dW, dDx, s, workspace);
        backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);

        string plan = $"{what} {s} on {backendName}";
        Check(backend.Floats(dY, (int)s.OutputCount + 2), expectedY, i => boundY[i], $"forward+bias+relu, {plan}");
        Check(backend.Floats(dDx, (int)s.InputCount + 2), edx, i => Close.Gamma(s.O * s.KH * s.KW + 1) * edxm[i], $"input gradient, {plan}");
        Check(backend.Floats(dDw, (int)s.WeightCount + 2), edw, i => Close.Gamma(s.N * s.OH * s.OW + 1) * edwm[i],
            $"weight gradient ({IlgpuBackend.ConvTilingFor(ConvGemm.Filter(s))}), {plan}");
    }

    private static void Check(float[] got, double[] expected, Func<int, double> bound, string what)
    {
        Close.Untouched(got, expected.Length, expected.Length + 2, float.NaN, what + " wrote past its output");
        Close.All(expected, got[..expected.Length], bound, what);
    }

    /// <summary>
    /// The split weight gradient adds chunk z's sum over its pixels in order, then the chunks in
    /// order z = 0, 1, …: the same float32 operations on the host give the same bits (the CPU
    /// accelerator runs them as .NET code, without fused multiply-adds). Pins the order, so the
    /// result cannot depend on which group finishes first; and running twice gives the same bits.
    /// </summary>
    [Theory]
    [InlineData("LeNet conv1")]
    [InlineData("LeNet conv2")]
    public void The_split_weight_gradient_adds_its_chunks_in_order(string what)
    {
        var backend = backends.Get(BackendFixture.TiledGpuPlan);
        var s = ShapeOf(what);
        var g = ConvGemm.Filter(s);
        var tiling = IlgpuBackend.ConvTilingFor(g);
        Assert.True(tiling.Splits > 1, $"{what}: the weight gradient should split, got {tiling}");
        var rng = TestData.Rng(s.C, 43);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);

        using var dX = backend.Put(x);
        using var dDy = backend.Put(dy);
        using var dDw = backend.Filled((int)s.WeightCount, float.NaN);
        using var workspace = Workspace(backend, s);
        backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);
        var got = backend.Floats(dDw, (int)s.WeightCount);

        var expected = new float[s.WeightCount];
        int taps = s.KH * s.KW, plane = s.OH * s.OW;
        for (int o = 0; o < s.O; o++)
            for (int q = 0; q < g.N; q++)
            {
                int c = q / taps, kh = q % taps / s.KW, kw = q % s.KW;
                float total = 0f;
                for (int z = 0; z < tiling.Splits; z++)
                {
                    float chunk = 0f;
                    for (int k = z * tiling.KChunk; k < Math.Min(g.K, (z + 1) * tiling.KChunk); k++)
                    {
                        int n = k / plane, oh = k % plane / s.OW, ow = k % s.OW;
                        int ih = oh * s.StrideH - s.PadH + kh, iw = ow * s.StrideW - s.PadW + kw;
                        float xv = ih < 0 || ih >= s.H || iw < 0 || iw >= s.W ? 0f : x[((n * s.C + c) * s.H + ih) * s.W + iw];
                        chunk += dy[(n * s.O + o) * plane + k % plane] * xv;
                    }
                    total = z == 0 ? chunk : total + chunk;
                }
                expected[o * g.N + q] = total;
            }
        Close.Bitwise(expected, got, $"{what}: split weight gradient ({tiling}) against the host's chunk-ordered sum");

        backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);
        Close.Bitwise(got, backend.Floats(dDw, (int)s.WeightCount), $"{what}: run again");
    }

    /// <summary>
    /// The plan depends on the shape alone, so two devices that round alike give the same bits: the
    /// CPU accelerator (planning its GEMMs for 132 multiprocessors) and PoCL (its own count) agree
    /// bit for bit on all three passes, the split weight gradient included, and declare the same
    /// workspace. (A CUDA GPU fuses each multiply-add, so its bits differ from both, not its order.)
    /// </summary>
    [OpenCl.OpenClTheory]
    [InlineData("LeNet conv1")]
    [InlineData("LeNet conv2")]
    [InlineData("ResNet-8 stage 2 in, 16->32 stride 2")]
    [InlineData("ragged 3x3 stride 2, 17->33 on 9x11")]
    public void Cpu_accelerator_and_opencl_give_the_same_bits(string what)
    {
        var s = ShapeOf(what);
        var rng = TestData.Rng(s.C, s.O, 47);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        (long Workspace, float[] Y, float[] Dx, float[] Dw) Run(string name)
        {
            var backend = backends.Get(name);
            using var dX = backend.Put(x);
            using var dW = backend.Put(w);
            using var dDy = backend.Put(dy);
            using var y = backend.Filled((int)s.OutputCount, float.NaN);
            using var dx = backend.Filled((int)s.InputCount, float.NaN);
            using var dw = backend.Filled((int)s.WeightCount, float.NaN);
            using var workspace = Workspace(backend, s);
            backend.Conv2d(dX, dW, null, y, s, GemmEpilogue.None, workspace);
            backend.Conv2dBackwardData(dDy, dW, dx, s, workspace);
            backend.Conv2dBackwardFilter(dX, dDy, dw, s, workspace);
            return (backend.Conv2dWorkspaceBytes(s), backend.Floats(y, (int)s.OutputCount), backend.Floats(dx, (int)s.InputCount), backend.Floats(dw, (int)s.WeightCount));
        }
        var cpu = Run(BackendFixture.TiledGpuPlan);
        var opencl = Run(BackendFixture.OpenClPocl);
        Assert.Equal(cpu.Workspace, opencl.Workspace);
        Close.Bitwise(cpu.Y, opencl.Y, $"{what}: forward, CPU accelerator vs PoCL");
        Close.Bitwise(cpu.Dx, opencl.Dx, $"{what}: input gradient, CPU accelerator vs PoCL");
        Close.Bitwise(cpu.Dw, opencl.Dw, $"{what}: weight gradient ({IlgpuBackend.ConvTilingFor(ConvGemm.Filter(s))}), CPU accelerator vs PoCL");
    }

    public static TheoryData<string> TiledNames() => new(Tiled);

    /// <summary>
    /// The self-test's convolution checks (LeNet's two layers, ResNet-8's stride-2 3x3 and 1x1 at
    /// ragged sizes) with the tiled kernels, split weight gradient and its workspace included, which
    /// is what `selftest --device cuda` checks on a GPU; and every byte given back.
    /// </summary>
    [Theory]
    [MemberData(nameof(TiledNames))]
    public void The_self_tests_convolution_checks_pass(string backendName)
    {
        var backend = backends.Get(backendName);
        long before = backend.Memory.LiveBytes;
        var convolutions = KernelSelfTest.Checks().Where(c => c.Name.StartsWith("conv2d fwd+bwd", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, convolutions.Count);
        foreach (var check in convolutions)
        {
            var r = check.Run(backend);
            Assert.True(r.Passed && r.MaxError <= r.Bound, $"{r.Name} on {backendName}: {r.Detail} (error {r.MaxError}, bound {r.Bound})");
        }
        Assert.Equal(before, backend.Memory.LiveBytes);
    }

    [Fact]
    public void A_split_weight_gradient_refuses_a_workspace_smaller_than_declared()
    {
        var backend = backends.Get(BackendFixture.TiledGpuPlan);
        var s = ShapeOf("LeNet conv2");
        long bytes = backend.Conv2dWorkspaceBytes(s);
        Assert.True(bytes > 0);
        using var x = backend.Filled((int)s.InputCount, 1f);
        using var dy = backend.Filled((int)s.OutputCount, 1f);
        using var dw = backend.Filled((int)s.WeightCount, 0f);
        using var small = backend.Filled((int)(bytes / sizeof(float)) - 1, 0f);
        long launches = backend.LaunchCount;
        var e = Assert.Throws<ArgumentException>(() => backend.Conv2dBackwardFilter(x, dy, dw, s, small));
        Assert.Contains($"needs {bytes} bytes of workspace, got {bytes - sizeof(float)}", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.Conv2dBackwardFilter(x, dy, dw, s, null));
        Assert.Contains($"needs {bytes} bytes of workspace, got 0", e.Message);
        Assert.Equal(launches, backend.LaunchCount);
        using var declared = Workspace(backend, s);
        backend.Conv2dBackwardFilter(x, dy, dw, s, declared);
        Assert.Equal(launches + 2, backend.LaunchCount); // the chunks, then their reduction
    }

    /// <summary>Exactly what the backend declares (<see cref="IKernelBackend.Conv2dWorkspaceBytes"/>), NaN-filled; null when it declares none.</summary>
    private static DeviceBuffer? Workspace(IKernelBackend backend, Conv2dShape s) =>
        backend.Conv2dWorkspaceBytes(s) is var bytes and > 0 ? backend.Filled((int)(bytes / sizeof(float)), float.NaN) : null;
}
