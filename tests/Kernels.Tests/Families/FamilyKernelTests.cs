using Trainer.Kernels.Device;
using Trainer.Kernels.Families;
using static Trainer.Kernels.Reference.BroadcastIndex;

namespace Trainer.Kernels.Tests.Families;

/// <summary>
/// Every functor of every family on every backend at awkward sizes, against float64 loops written here (the
/// multi-index of each output element, not the kernels' merged geometry), within the bound each functor
/// declares; and the native backend's results equal on one and three threads.
/// </summary>
public sealed class FamilyKernelTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    public static TheoryData<string, string> UnaryCases() => FamilyCases.On(FamilyCases.Unary.Keys);
    public static TheoryData<string, string> BinaryCases() => FamilyCases.On(FamilyCases.Binary.Keys);
    public static TheoryData<string, string> ReduceCases() => FamilyCases.On(FamilyCases.Reduce.Keys);

    private static float[] Run(IKernelBackend backend, string key, float[][] inputs, int[][] shapes, int[] outShape, int[]? axes = null, float scalar = -0.625f)
    {
        int n = (int)KernelCall.ElementCount(outShape);
        var buffers = inputs.Select(backend.Put).ToArray();
        using var y = backend.Filled(n + 3, float.NaN);
        try
        {
            backend.Kernels.Bind(key, new KernelCall(buffers, shapes, [y], [outShape]) { Axes = axes ?? [], Scalar = scalar })();
            var got = backend.Floats(y, n + 3);
            Close.Untouched(got, n, n + 3, float.NaN, $"{key} wrote past its output");
            return got[..n];
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_matches_float64(string backendName, string key)
    {
        var f = (IUnaryFunctor)FamilyCases.Unary[key];
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
        {
            var (low, high) = f.TestRange;
            var x = TestData.Uniform(TestData.Rng(n, 1), n, low, high);
            var y = Run(backend, key, [x], [[n]], [n]);
            var expected = Array.ConvertAll(x, v => f.Reference(v));
            Close.All(expected, y, i => f.ErrorBound(expected[i]), $"{key} n={n}");
            if (backendName != BackendFixture.OpenClPocl) // OpenCL C has its own libm; .NET code elsewhere
                Close.Bitwise(Array.ConvertAll(x, f.Apply), y, $"{key} n={n} against the functor on the host");
        }
    }

    /// <summary>Shapes that broadcast in every way the merging distinguishes: equal, scalar, row, column, both sides, rank 4 channel.</summary>
    private static IEnumerable<(int[] A, int[] B)> BroadcastShapes(int n) =>
    [
        ([n], [n]), ([n], [1]), ([], [n]), ([7, n], [n]), ([n, 1], [1, 7]), ([3, 1, n], [5, 1]), ([2, 3, n, 2], [1, 3, 1, 1]),
    ];

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_broadcasts_as_numpy_does(string backendName, string key)
    {
        var f = (IBinaryFunctor)FamilyCases.Binary[key];
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (var (sa, sb) in BroadcastShapes(n))
            {
                var outShape = Broadcast(sa, sb);
                var rng = TestData.Rng(n, sa.Length, sb.Length);
                var a = TestData.Uniform(rng, Count(sa), -3f, 3f);
                var b = TestData.Uniform(rng, Count(sb), 0.5f, 3f);
                for (int i = 0; i < b.Length; i += 3) b[i] = -b[i];
                if (a.Length > 1 && b.Length > 1) a[1] = b[1];
                var y = Run(backend, key, [a, b], [sa, sb], outShape);
                var expected = new double[y.Length];
                var scalar = new float[y.Length];
                var index = new int[outShape.Length];
                for (int i = 0; i < y.Length; i++)
                {
                    Unravel(i, outShape, index);
                    expected[i] = f.Reference(a[Ravel(index, sa)], b[Ravel(index, sb)]);
                    scalar[i] = f.Apply(a[Ravel(index, sa)], b[Ravel(index, sb)]);
                }
                string what = $"{key} [{string.Join(",", sa)}] with [{string.Join(",", sb)}]";
                Close.All(expected, y, i => f.ErrorBound(expected[i]), what);
                Close.Bitwise(scalar, y, what + " against the functor on the host"); // the native vector body included
            }
    }

    private static IEnumerable<(int[] Shape, int[] Axes)> Reductions(int n) =>
        [([n], [0]), ([7, n], [1]), ([7, n], [0]), ([3, n, 5], [0, 2]), ([3, n, 5], [1]), ([2, 3, n], [0, 1, 2]), ([n, 1, 3], [1])];

    [Theory]
    [MemberData(nameof(ReduceCases))]
    public void Reduce_folds_each_output_within_its_bound(string backendName, string key)
    {
        var f = (IReduceFunctor)FamilyCases.Reduce[key];
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (var (shape, axes) in Reductions(n))
            {
                var x = TestData.Uniform(TestData.Rng(n, shape.Length, axes.Length), Count(shape));
                var outShape = shape.Where((_, a) => !axes.Contains(a)).ToArray();
                var y = Run(backend, key, [x], [shape], outShape, axes);
                var groups = Enumerable.Range(0, y.Length).Select(_ => new List<double>()).ToArray();
                var index = new int[shape.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    Unravel(i, shape, index);
                    int o = 0;
                    for (int a = 0; a < shape.Length; a++)
                        if (!axes.Contains(a)) o = o * shape[a] + index[a];
                    groups[o].Add(x[i]);
                }
                var expected = groups.Select(g => f.Reference(g.ToArray())).ToArray();
                Close.All(expected, y, i => f.ErrorBound(groups[i].Count, groups[i].Sum(Math.Abs)), $"{key} [{string.Join(",", shape)}] axes {string.Join(",", axes)}");
            }
    }

    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void ArgMax_takes_the_first_largest(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (var (shape, axis) in new[] { (new[] { 7, n }, 1), (new[] { n, 5 }, 0), (new[] { 3, n, 2 }, 1) })
            {
                var x = TestData.Uniform(TestData.Rng(n, axis), Count(shape));
                var (outer, len, inner) = ArgMaxShape.Of(shape, axis);
                if (len > 2) x[inner * 2] = x[0] = 5f; // a tie in the first line: index 0 wins
                var outShape = shape.Where((_, a) => a != axis).ToArray();
                var bits = Run(backend, FamilyKeys.ArgMax, [x], [shape], outShape, [axis]);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        int best = 0;
                        for (int j = 1; j < len; j++)
                            if (x[(o * len + j) * inner + i] > x[(o * len + best) * inner + i]) best = j;
                        Assert.Equal(best, BitConverter.SingleToInt32Bits(bits[o * inner + i]));
                    }
            }
    }

    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void Permute_moves_every_element_where_its_index_says(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (var (shape, axes) in new[] { (new[] { n, 7 }, new[] { 1, 0 }), (new[] { 2, n, 3 }, new[] { 2, 0, 1 }), (new[] { 3, 1, n, 2 }, new[] { 0, 2, 1, 3 }) })
            {
                var x = TestData.Uniform(TestData.Rng(n, axes[0]), Count(shape));
                var outShape = axes.Select(a => shape[a]).ToArray();
                var y = Run(backend, FamilyKeys.Permute, [x], [shape], outShape, axes);
                var outIndex = new int[shape.Length];
                var inIndex = new int[shape.Length];
                for (int i = 0; i < y.Length; i++)
                {
                    Unravel(i, outShape, outIndex);
                    for (int a = 0; a < axes.Length; a++) inIndex[axes[a]] = outIndex[a];
                    int flat = 0;
                    for (int a = 0; a < shape.Length; a++) flat = flat * shape[a] + inIndex[a];
                    Assert.Equal(x[flat], y[i]);
                }
            }
    }

    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void Slice_copies_its_window_slice_grad_writes_it_into_zeros_and_place_into_the_output(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (var (full, begin, window) in new[] { (new[] { n }, new[] { n / 2 }, new[] { n - n / 2 }),
                         (new[] { 2, n, 3 }, new[] { 1, n / 3, 1 }, new[] { 1, n - n / 3, 2 }), (new[] { n, 7 }, new[] { 0, 6 }, new[] { n, 1 }) })
            {
                var x = TestData.Uniform(TestData.Rng(n, begin[0]), Count(full));
                var dy = TestData.Uniform(TestData.Rng(n, 5), Count(window));
                var y = Run(backend, FamilyKeys.Slice, [x], [full], window, begin);
                var dx = Run(backend, FamilyKeys.SliceGrad, [dy], [window], full, begin);
                var placed = Run(backend, FamilyKeys.Place, [dy], [window], full, begin);
                var index = new int[full.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    Unravel(i, full, index);
                    bool inside = true;
                    int w = 0;
                    for (int a = 0; a < full.Length; a++)
                    {
                        inside &= index[a] >= begin[a] && index[a] < begin[a] + window[a];
                        w = w * window[a] + index[a] - begin[a];
                    }
                    if (inside) Assert.Equal(x[i], y[w]);
                    Assert.Equal(inside ? dy[w] : 0f, dx[i]);
                    Assert.True(inside ? placed[i] == dy[w] : float.IsNaN(placed[i]), $"place wrote {placed[i]} at {i}");
                }
            }
    }

    /// <summary>Above the task chunk, so the pool splits the work: the same bits on one and three threads.</summary>
    [Fact]
    public void Native_results_do_not_depend_on_the_thread_count()
    {
        var one = backends.Get(BackendFixture.NativeOneThread);
        var three = backends.Get(BackendFixture.NativeThreeThreads);
        var x = TestData.Uniform(TestData.Rng(3), 257 * 1031);
        var b = TestData.Uniform(TestData.Rng(4), 1031);
        foreach (var (key, inputs, shapes, outShape, axes) in new (string, float[][], int[][], int[], int[]?)[]
                 {
                     (FamilyKeys.Unary("tanh"), [x], [[x.Length]], [x.Length], null),
                     (FamilyKeys.Binary("mul"), [x, b], [[257, 1031], [1031]], [257, 1031], null),
                     (FamilyKeys.Reduce("sum"), [x], [[257, 1031]], [1031], [0]),
                     (FamilyKeys.Reduce("mean"), [x], [[257, 1031]], [257], [1]),
                 })
            Close.Bitwise(Run(one, key, inputs, shapes, outShape, axes), Run(three, key, inputs, shapes, outShape, axes), key);
    }

    [Fact]
    public void An_unknown_key_names_the_device_and_the_key()
    {
        var backend = backends.Get(BackendFixture.Native);
        var e = Assert.Throws<KeyNotFoundException>(() => backend.Kernels.Bind("unary.nope", new KernelCall([], [], [], [])));
        Assert.Contains("has no kernel 'unary.nope'", e.Message);
    }

    internal static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            shape[i] = Math.Max(da, db);
        }
        return shape;
    }
}
