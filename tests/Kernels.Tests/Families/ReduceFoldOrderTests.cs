using Trainer.Kernels.Device;
using Trainer.Kernels.Families;
using static Trainer.Kernels.Reference.BroadcastIndex;

namespace Trainer.Kernels.Tests.Families;

/// <summary>
/// The native backend's reductions fold each output in row-major order of its reduced elements, one float32 step at a
/// time (what <see cref="IReduceFunctor"/> promises and eager/graph agreement rests on): bit for bit equal to a plain
/// loop over the multi-index written here, on one, two and three threads, including BatchNorm's pattern (axes 0, 2, 3
/// of [N, C, H, W]), a strided innermost reduced axis, outputs past a whole block of four, and a size-1 reduced axis.
/// </summary>
public sealed class ReduceFoldOrderTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in new[] { BackendFixture.Native, BackendFixture.NativeOneThread, BackendFixture.NativeThreeThreads })
            foreach (var key in FamilyCases.Reduce.Keys.Order(StringComparer.Ordinal))
                data.Add(backend, key);
        return data;
    }

    private static IEnumerable<(int[] Shape, int[] Axes)> Reductions(int n) =>
        [([3, 17, n, 2], [0, 2, 3]), ([n, 5, 3, 7], [0, 2, 3]), ([n, 18, 4], [0, 2]), ([4, n, 19], [1]), ([65, n], [1]), ([n, 1, 3], [1])];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_output_is_a_row_major_float32_fold(string backendName, string key)
    {
        var f = (IReduceFunctor)FamilyCases.Reduce[key];
        var backend = backends.Get(backendName);
        foreach (int n in new[] { 1, 7, 63, 65 })
            foreach (var (shape, axes) in Reductions(n))
            {
                var x = TestData.Uniform(TestData.Rng(n, shape.Length, axes.Length, 17), Count(shape), -1000f, 1000f);
                var outShape = shape.Where((_, a) => !axes.Contains(a)).ToArray();
                int outputs = Count(outShape);
                var expected = new float[outputs];
                var folded = new int[outputs];
                Array.Fill(expected, f.Identity);
                var index = new int[shape.Length];
                for (int i = 0; i < x.Length; i++) // row-major over the input is row-major over each output's reduced elements
                {
                    Unravel(i, shape, index);
                    int o = 0;
                    for (int a = 0; a < shape.Length; a++)
                        if (!axes.Contains(a)) o = o * shape[a] + index[a];
                    expected[o] = f.Combine(expected[o], x[i]);
                    folded[o]++;
                }
                for (int o = 0; o < outputs; o++) expected[o] = f.Finish(expected[o], folded[o]);

                using var input = backend.Put(x);
                using var y = backend.Filled(outputs + 3, float.NaN);
                backend.Kernels.Bind(key, new KernelCall([input], [shape], [y], [outShape]) { Axes = axes })();
                var got = backend.Floats(y, outputs + 3);
                string what = $"{key} [{string.Join(",", shape)}] axes {string.Join(",", axes)} on {backendName}";
                Close.Untouched(got, outputs, outputs + 3, float.NaN, $"{what} wrote past its output");
                for (int o = 0; o < outputs; o++)
                    Assert.True(BitConverter.SingleToInt32Bits(expected[o]) == BitConverter.SingleToInt32Bits(got[o]),
                        $"{what}: output {o} is {got[o]:R}, the row-major fold gives {expected[o]:R}");
            }
    }
}
