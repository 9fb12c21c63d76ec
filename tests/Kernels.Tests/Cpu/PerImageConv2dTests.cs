using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>
/// The native backend's im2col convolutions image by image (Conv2dPerImage.cs) against the float64
/// scatter loop: stride 2 and 3 (ResNet-8's down-sampling 3x3 and 1x1 shortcuts), 1x1 at stride 1,
/// odd widths and heights (1, 7, 63, 65, 257), batch 1 to 5, 1 to 65 channels (ragged register tiles
/// and GEMM panels, a column matrix deeper than one K block of the GEMM, a weight gradient summed over
/// more than one), with bias and ReLU; and the same bits on 1, 2 and 3 threads. A batch-1 shape with more taps
/// than outputs has no room for a column matrix per worker on 2 or 3 threads, so its forward pass and
/// input gradient take the whole-batch path there and the per-image path on one thread: the bitwise
/// comparison across thread counts is then also one between the two paths (as it is for the other
/// shapes with fewer images than threads).
/// </summary>
public sealed class PerImageConv2dTests
{
    // N, C, H, W, O, KH, KW, strideH, strideW, padH, padW
    private static readonly int[][] Shapes =
    [
        [2, 16, 8, 8, 32, 1, 1, 2, 2, 0, 0],    // ResNet-8's first shortcut, batch 2
        [3, 16, 9, 9, 32, 3, 3, 2, 2, 1, 1],    // ResNet-8's first down-sampling 3x3, odd plane
        [1, 7, 7, 7, 7, 3, 3, 2, 2, 1, 1],      // batch 1, 63 taps for 7 outputs: whole-batch path on 2+ threads
        [2, 65, 5, 3, 7, 1, 1, 1, 1, 0, 0],     // 1x1 at stride 1, 65 taps
        [1, 3, 63, 65, 1, 3, 3, 2, 2, 1, 1],    // one output channel, 63x65 input
        [2, 2, 257, 1, 3, 3, 1, 2, 1, 1, 0],    // a column of 257, stride 2 down it only
        [5, 3, 11, 11, 65, 3, 3, 2, 2, 0, 0],   // 65 outputs: a ragged last register tile
        [1, 33, 4, 4, 9, 3, 3, 2, 2, 1, 1],     // 297 taps: forward K split into two blocks
        [2, 2, 40, 40, 3, 1, 1, 1, 1, 0, 0],    // 1600 positions: the weight gradient's K split into blocks
        [2, 3, 10, 13, 4, 3, 2, 3, 2, 2, 1],    // strides 3 and 2, padding 2 and 1
    ];

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Shapes.Length; i++) data.Add(i);
        return data;
    }

    private static Conv2dShape ShapeOf(int[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_both_gradients_match_float64_and_do_not_depend_on_the_thread_count(int shapeIndex)
    {
        var s = ShapeOf(Shapes[shapeIndex]);
        Assert.False(DirectConvGeometry.Applies(s), $"{s} should take im2col");
        // Two batch-1 shapes' products (O by taps) outgrow the whole-batch column matrix: their weight gradient stays whole-batch.
        Assert.Equal(shapeIndex is not (2 or 7), CpuBackend.PerImageFilter(s));
        var rng = TestData.Rng(shapeIndex, 307);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var b = TestData.Uniform(rng, s.O, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);

        var results = new List<float[][]>();
        foreach (int threads in new[] { 2, 1, 3 })
        {
            using var backend = new CpuBackend(threads);
            Assert.Equal(s.WorkspaceBytes, backend.Conv2dWorkspaceBytes(s));
            if (shapeIndex == 2) Assert.Equal(threads == 1, backend.PerImagePlanes(s));
            else if (threads <= s.N) Assert.True(backend.PerImagePlanes(s));
            var r = Conv2dPasses.Run(backend, s, x, w, b, dy);
            results.Add(r);
            if (threads != 2) continue;
            int terms = s.C * s.KH * s.KW;
            Conv2dPasses.Check(r[0], ey, eym, terms, $"conv2d {s}");
            Conv2dPasses.Check(r[2], edx, edxm, s.O * s.KH * s.KW, $"conv2d backward data {s}");
            Conv2dPasses.Check(r[3], edw, edwm, s.N * s.OH * s.OW, $"conv2d backward filter {s}");
            long plane = (long)s.OH * s.OW;
            var fused = new double[ey.Length];
            for (long i = 0; i < ey.Length; i++) fused[i] = Math.Max(0, ey[i] + b[i / plane % s.O]);
            Close.Untouched(r[1], ey.Length, ey.Length + 2, float.NaN, $"conv2d[bias+relu] {s} wrote past its output");
            Close.All(fused, r[1][..ey.Length], i => Close.Gamma(terms + 2) * (eym[i] + Math.Abs(b[i / plane % s.O])), $"conv2d[bias+relu] {s}");
        }
        for (int t = 1; t < results.Count; t++)
            for (int k = 0; k < 4; k++)
                Close.Bitwise(results[0][k], results[t][k], $"conv2d {s} output {k}, 2 threads vs another count");
    }

    /// <summary>LeNet's conv2 with the direct kernels switched off goes image by image too, and agrees with float64.</summary>
    [Fact]
    public void A_stride_one_shape_without_the_direct_kernels_goes_image_by_image()
    {
        var s = new Conv2dShape(3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0);
        var rng = TestData.Rng(11, 307);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = TestData.Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var b = TestData.Uniform(rng, s.O, -1f, 1f);
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);
        using var backend = new CpuBackend(2) { DirectConvolutions = false };
        Assert.True(backend.PerImagePlanes(s));
        var r = Conv2dPasses.Run(backend, s, x, w, b, dy);
        Conv2dPasses.Check(r[0], ey, eym, s.C * s.KH * s.KW, $"conv2d {s}");
        Conv2dPasses.Check(r[2], edx, edxm, s.O * s.KH * s.KW, $"conv2d backward data {s}");
        Conv2dPasses.Check(r[3], edw, edwm, s.N * s.OH * s.OW, $"conv2d backward filter {s}");
    }
}
