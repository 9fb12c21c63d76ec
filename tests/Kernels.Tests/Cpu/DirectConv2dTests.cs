using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>
/// The native backend's direct stride-1 convolutions (<see cref="DirectConvGeometry"/>) against the
/// float64 scatter loop, at shapes each checked to take the direct path: widths 1, 7, 63, 65 and
/// 257 (a wide grid that ends mid-vector and rows that cross vector boundaries), batch 1 to 8,
/// 1 to 17 channels (channel blocks of 1 to 8, tap groups of 2 to 6), 3x3, 5x5, 2x3, 7x1 and 1x2 kernels,
/// padding 0 to KH−1, with bias and ReLU; and the same bits on 1, 2 and 3 threads.
/// </summary>
public sealed class DirectConv2dTests
{
    // N, C, H, W, O, KH, KW, padH, padW
    private static readonly int[][] Shapes =
    [
        [8, 4, 33, 1, 8, 3, 1, 1, 0],
        [4, 3, 7, 7, 5, 3, 3, 1, 1],
        [3, 2, 5, 63, 9, 3, 3, 0, 2],
        [1, 17, 4, 65, 3, 2, 3, 1, 2],
        [2, 2, 3, 257, 3, 3, 3, 1, 1],
        [3, 4, 12, 11, 16, 7, 1, 3, 0],
        [2, 1, 28, 28, 6, 5, 5, 2, 2],   // LeNet conv1
        [2, 6, 14, 14, 16, 5, 5, 0, 0],  // LeNet conv2
        [2, 16, 8, 8, 16, 3, 3, 1, 1],   // ResNet-8's smallest 3x3
        [16, 2, 9, 9, 1, 1, 2, 0, 1],    // one output channel, two taps
    ];

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Shapes.Length; i++) data.Add(i);
        return data;
    }

    private static Conv2dShape ShapeOf(int[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], 1, 1, v[7], v[8]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_both_gradients_match_float64_and_do_not_depend_on_the_thread_count(int shapeIndex)
    {
        var s = ShapeOf(Shapes[shapeIndex]);
        Assert.True(DirectConvGeometry.Applies(s), $"{s} should take the direct kernels");
        var rng = TestData.Rng(shapeIndex, 211);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var b = TestData.Uniform(rng, s.O, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);

        var results = new List<float[][]>();
        foreach (int threads in new[] { 2, 1, 3 })
        {
            using var backend = new CpuBackend(threads) { DirectConvolutions = true };
            Assert.Equal(DirectConvGeometry.WorkspaceFloats(s, threads) * sizeof(float), backend.Conv2dWorkspaceBytes(s));
            var r = Conv2dPasses.Run(backend, s, x, w, b, dy);
            results.Add(r);
            if (threads != 2) continue;
            int terms = s.C * s.KH * s.KW;
            Conv2dPasses.Check(r[0], ey, eym, terms, $"direct conv2d {s}");
            Conv2dPasses.Check(r[2], edx, edxm, s.O * s.KH * s.KW, $"direct conv2d backward data {s}");
            Conv2dPasses.Check(r[3], edw, edwm, s.N * s.OH * s.OW, $"direct conv2d backward filter {s}");
            long plane = (long)s.OH * s.OW;
            var fused = new double[ey.Length];
            for (long i = 0; i < ey.Length; i++) fused[i] = Math.Max(0, ey[i] + b[i / plane % s.O]);
            Close.Untouched(r[1], ey.Length, ey.Length + 2, float.NaN, $"direct conv2d[bias+relu] {s} wrote past its output");
            Close.All(fused, r[1][..ey.Length], i => Close.Gamma(terms + 2) * (eym[i] + Math.Abs(b[i / plane % s.O])), $"direct conv2d[bias+relu] {s}");
        }
        for (int t = 1; t < results.Count; t++)
            for (int k = 0; k < 4; k++)
                Close.Bitwise(results[0][k], results[t][k], $"direct conv2d {s} output {k}, 2 threads vs another count");
    }

    /// <summary>
    /// The batch-1 shape above pads per worker on one thread and the whole batch on three (where
    /// three workers' scratch would be larger), so the theory's bitwise comparison across thread
    /// counts covers both; which kernels run is the shape's choice alone.
    /// </summary>
    [Fact]
    public void A_small_batch_switches_scratch_layout_with_the_thread_count_but_not_the_kernels()
    {
        var s = ShapeOf(Shapes[3]);
        var g = DirectConvGeometry.Forward(s);
        Assert.True(g.PerWorker(1));
        Assert.False(g.PerWorker(3));
        Assert.True(DirectConvGeometry.Applies(s));
        Assert.True(DirectConvGeometry.WorkspaceFloats(s, 64) <= s.WorkspaceFloats);
    }

    /// <summary>Outside the direct kernels' reach (stride 2, 1x1, padding as large as the kernel) the backend keeps im2col and asks for its panel.</summary>
    [Fact]
    public void Strided_pointwise_and_overpadded_convolutions_stay_on_im2col()
    {
        using var backend = new CpuBackend(1) { DirectConvolutions = true };
        foreach (var s in new[]
        {
            new Conv2dShape(64, 16, 32, 32, 32, 3, 3, 2, 2, 1, 1),
            new Conv2dShape(64, 16, 32, 32, 32, 1, 1, 1, 1, 0, 0),
            new Conv2dShape(8, 4, 9, 9, 4, 3, 3, 1, 1, 3, 3),
        })
        {
            Assert.False(DirectConvGeometry.Applies(s), s.ToString());
            Assert.Equal(s.WorkspaceBytes, backend.Conv2dWorkspaceBytes(s));
        }
    }
}
