using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// Convolution forward, input gradient and weight gradient against one float64 scatter loop, at
/// awkward shapes: batch 1, odd H and W, padding 0, 1 and 2, stride 1, 2 and 3, one channel and
/// many, 1x1 kernels, a kernel as large as the padded input, and LeNet's two layers.
/// </summary>
public sealed class Conv2dTests(BackendFixture backends) : IClassFixture<BackendFixture>
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

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in BackendFixture.All)
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
        backend.Conv2d(dX, dW, dY, s);
        backend.Conv2dBackwardData(dDy, dW, dDx, s);
        backend.Conv2dBackwardFilter(dX, dDy, dDw, s);

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
            backend.Conv2d(dX, dW, dY, s);
            backend.Conv2dBackwardData(dDy, dW, dDx, s);
            backend.Conv2dBackwardFilter(dX, dDy, dDw, s);
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

    [Fact]
    public void A_kernel_larger_than_the_padded_input_is_refused_with_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2dShape(1, 1, 5, 5, 1, 32, 32, 1, 1, 0, 0));
        Assert.Equal("a 32x32 kernel does not fit a 5x5 input padded by (0,0)", e.Message);
    }
}
