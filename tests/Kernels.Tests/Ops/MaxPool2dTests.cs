using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>Max pooling and its gradient against a float64 scatter loop, with ties, overlapping windows and ragged edges.</summary>
public sealed class MaxPool2dTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    // N, C, H, W, KH, KW, strideH, strideW
    private static readonly int[][] Shapes =
    [
        [1, 1, 4, 4, 2, 2, 2, 2],
        [2, 3, 7, 6, 3, 2, 2, 1],
        [1, 2, 5, 5, 3, 3, 1, 1],     // overlapping windows
        [1, 1, 7, 7, 2, 2, 2, 2],     // ragged: the last row and column belong to no window
        [3, 1, 1, 9, 1, 3, 1, 3],
        [8, 6, 28, 28, 2, 2, 2, 2],   // LeNet pool1
        [8, 16, 10, 10, 2, 2, 2, 2],  // LeNet pool2
    ];

    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string backend in BackendFixture.All)
            for (int i = 0; i < Shapes.Length; i++)
                foreach (bool ties in new[] { false, true })
                    data.Add(backend, i, ties);
        return data;
    }

    private static Pool2dShape ShapeOf(int[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);

    /// <summary>Max is exact; each dx element is a sum of at most KH·KW dy values, |error| ≤ γ·Σ|dy|.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_gradient_match_float64(string backendName, int shapeIndex, bool ties)
    {
        var backend = backends.Get(backendName);
        var s = ShapeOf(Shapes[shapeIndex]);
        var rng = TestData.Rng(shapeIndex, ties ? 1 : 0, 41);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        if (ties) for (int i = 0; i < x.Length; i++) x[i] = MathF.Round(x[i]); // values in {-2..2}: many equal maxima
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, edx) = ReferenceMath.MaxPool2d(x, dy, s);

        using var dX = backend.Put(x);
        using var dDy = backend.Put(dy);
        using var dY = backend.Filled((int)s.OutputCount + 2, float.NaN);
        using var dDx = backend.Filled((int)s.InputCount + 2, float.NaN);
        backend.MaxPool2d(dX, dY, s);
        backend.MaxPool2dBackward(dX, dDy, dDx, s);
        var y = backend.Floats(dY, (int)s.OutputCount + 2);
        var dx = backend.Floats(dDx, (int)s.InputCount + 2);
        Close.Untouched(y, ey.Length, ey.Length + 2, float.NaN, "max pool wrote past its output");
        Close.Untouched(dx, edx.Length, edx.Length + 2, float.NaN, "max pool backward wrote past its output");
        Close.All(ey, y[..ey.Length], _ => 0, $"max pool {s}");
        Close.All(edx, dx[..edx.Length], i => Close.Gamma(s.KH * s.KW) * Math.Abs(edx[i]) + Close.Gamma(s.KH * s.KW) * s.KH * s.KW, $"max pool backward {s}");
    }

    [Fact]
    public void A_window_larger_than_the_input_is_refused_with_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Pool2dShape(1, 1, 3, 3, 4, 4, 1, 1));
        Assert.Equal("a 4x4 window does not fit a 3x3 input", e.Message);
    }

    /// <summary>
    /// The ReLU-masked gradient (what the graph fuses from ReluGrad(MaxPool2dBackward(x, dy), x)) equals the two
    /// launches it replaces bit for bit, on inputs shaped like a ReLU's output: many exact zeros (whole windows of
    /// them), −0, ties and positive values, at every shape above (the native 2x2 vector path, the tiled and the
    /// general kernels, ragged edges).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void The_relu_masked_gradient_equals_pooling_backward_then_relu_backward(string backendName, int shapeIndex, bool ties)
    {
        var backend = backends.Get(backendName);
        var s = ShapeOf(Shapes[shapeIndex]);
        var rng = TestData.Rng(shapeIndex, ties ? 1 : 0, 43);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        for (int i = 0; i < x.Length; i++)
        {
            if (ties) x[i] = MathF.Round(x[i]);
            x[i] = x[i] > 0 ? x[i] : (i % 3 == 0 ? -0f : 0f); // a ReLU's output: exact zeros where the input was not positive
        }
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);

        using var dX = backend.Put(x);
        using var dDy = backend.Put(dy);
        using var unmasked = backend.Filled((int)s.InputCount, float.NaN);
        using var twoLaunches = backend.Filled((int)s.InputCount, float.NaN);
        using var fused = backend.Filled((int)s.InputCount + 2, float.NaN);
        backend.MaxPool2dBackward(dX, dDy, unmasked, s);
        backend.ReluBackward(unmasked, dX, twoLaunches, (int)s.InputCount);
        backend.MaxPool2dBackward(dX, dDy, fused, s, reluMask: true);
        var expected = backend.Floats(twoLaunches, (int)s.InputCount);
        var got = backend.Floats(fused, (int)s.InputCount + 2);
        Close.Untouched(got, expected.Length, expected.Length + 2, float.NaN, "masked max pool backward wrote past its output");
        Close.Bitwise(expected, got[..expected.Length], $"masked max pool backward {s}");
        Assert.Contains(expected, v => v != 0f); // the case is not all zeros
    }
}
