using Trainer.Kernels.Cpu;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>
/// The native backend's pooling where windows tile the input (stride = window): the scalar band
/// loop and, for 2x2, the AVX-512 path (<see cref="MaxPool2x2"/>). Both against float64 exactly
/// (a tiled window's gradient is one dy, so the argmax must be the reference's, ties included), at
/// widths 2, 7, 63, 65 and 257 and odd heights (ragged last row and column); then against each other
/// bit for bit with NaN, −0 and +0 among the inputs, and on 1 and 3 threads.
/// </summary>
public sealed class TiledMaxPoolTests
{
    // N, C, H, W, K (window and stride)
    private static readonly int[][] Shapes =
    [
        [1, 1, 2, 2, 2],
        [3, 2, 5, 7, 2],
        [1, 3, 9, 63, 2],
        [2, 1, 3, 65, 2],
        [1, 2, 7, 257, 2],
        [2, 3, 28, 28, 2],
        [3, 2, 10, 10, 2],
        [2, 2, 7, 65, 3],
    ];

    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        for (int i = 0; i < Shapes.Length; i++)
            foreach (bool ties in new[] { false, true })
                data.Add(i, ties);
        return data;
    }

    private static Pool2dShape ShapeOf(int[] v) => new(v[0], v[1], v[2], v[3], v[4], v[4], v[4], v[4]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_paths_match_float64_exactly(int shapeIndex, bool ties)
    {
        var s = ShapeOf(Shapes[shapeIndex]);
        var rng = TestData.Rng(shapeIndex, ties ? 1 : 0, 53);
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        if (ties) for (int i = 0; i < x.Length; i++) x[i] = MathF.Max(0f, MathF.Round(x[i])); // ReLU-like: many windows of equal zeros
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        var (ey, edx) = ReferenceMath.MaxPool2d(x, dy, s);
        foreach (bool vector in new[] { true, false })
        {
            var (y, dx) = Run(new CpuBackend(2) { VectorPool2x2 = vector }, s, x, dy);
            Close.All(ey, y, _ => 0, $"tiled max pool {s}, vector {vector}");
            Close.All(edx, dx, _ => 0, $"tiled max pool backward {s}, vector {vector}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_vector_path_gives_the_scalar_bits_with_nan_and_signed_zeros_on_any_thread_count(int shapeIndex, bool ties)
    {
        var s = ShapeOf(Shapes[shapeIndex]);
        var rng = TestData.Rng(shapeIndex, ties ? 1 : 0, 59);
        float[] specials = [float.NaN, -0f, 0f, 0f, -0f];
        var x = TestData.Uniform(rng, (int)s.InputCount, -2f, 2f);
        for (int i = 0; i < x.Length; i++)
            if (rng.Next(ties ? 2 : 6) == 0) x[i] = specials[rng.Next(specials.Length)];
        var dy = TestData.Uniform(rng, (int)s.OutputCount, -1f, 1f);
        for (int i = 0; i < dy.Length; i += 3) dy[i] = -0f;
        var (sy, sdx) = Run(new CpuBackend(1) { VectorPool2x2 = false }, s, x, dy);
        foreach (int threads in new[] { 1, 3 })
        {
            var (y, dx) = Run(new CpuBackend(threads), s, x, dy);
            Close.Bitwise(sy, y, $"tiled max pool {s}, {threads} thread(s)");
            Close.Bitwise(sdx, dx, $"tiled max pool backward {s}, {threads} thread(s)");
        }
    }

    /// <summary>Forward and backward on <paramref name="backend"/> (then disposed); outputs checked for writes past their end.</summary>
    private static (float[] Y, float[] Dx) Run(CpuBackend backend, Pool2dShape s, float[] x, float[] dy)
    {
        using (backend)
        {
            using var dX = backend.Put(x);
            using var dDy = backend.Put(dy);
            using var dY = backend.Filled((int)s.OutputCount + 2, float.NaN);
            using var dDx = backend.Filled((int)s.InputCount + 2, float.NaN);
            backend.MaxPool2d(dX, dY, s);
            backend.MaxPool2dBackward(dX, dDy, dDx, s);
            var y = backend.Floats(dY, (int)s.OutputCount + 2);
            var dx = backend.Floats(dDx, (int)s.InputCount + 2);
            Close.Untouched(y, (int)s.OutputCount, (int)s.OutputCount + 2, float.NaN, $"max pool {s} wrote past its output");
            Close.Untouched(dx, (int)s.InputCount, (int)s.InputCount + 2, float.NaN, $"max pool backward {s} wrote past its output");
            return (y[..(int)s.OutputCount], dx[..(int)s.InputCount]);
        }
    }
}
