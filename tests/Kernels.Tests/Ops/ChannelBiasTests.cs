using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>Bias over the channel axis of an N-D tensor ([outer, channels, inner], NCHW's axis 1) and its gradient.</summary>
public sealed class ChannelBiasTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (var (outer, channels, inner) in new[] { (1, 1, 1), (1, 7, 1), (2, 3, 7), (7, 6, 25), (3, 16, 63), (64, 6, 28 * 28), (1, 1, 257) })
                data.Add(backend, outer, channels, inner);
        return data;
    }

    /// <summary>One rounding per element: |error| ≤ u·|x + b|.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Add_matches_float64_reference(string backendName, int outer, int channels, int inner)
    {
        var backend = backends.Get(backendName);
        int count = outer * channels * inner;
        var rng = TestData.Rng(outer, channels, inner);
        var x = TestData.Uniform(rng, count, -2f, 2f);
        var b = TestData.Uniform(rng, channels, -1f, 1f);
        using var dx = backend.Put(x);
        using var db = backend.Put(b);
        using var dy = backend.Filled(count + 2, float.NaN);
        backend.ChannelBiasAdd(dx, db, dy, outer, channels, inner);
        var y = backend.Floats(dy, count + 2);
        Close.Untouched(y, count, count + 2, float.NaN, "channel bias add wrote past its output");
        var expected = ReferenceMath.ChannelBiasAdd(x, b, outer, channels, inner);
        Close.All(expected, y[..count], k => Close.Gamma(1) * Math.Abs(expected[k]), $"channel bias add {outer}x{channels}x{inner}");
    }

    /// <summary>
    /// Bound: recursive float32 summation of outer·inner values, |error| ≤ γ_n·Σ|x|; and each backend's
    /// documented order: ILGPU's (o outer, i inner, one chain) equals that float32 loop bit for bit,
    /// the native backend's (four vector accumulators in turn plus a scalar tail) the same loop
    /// written out in float32 here.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Sum_matches_float64_reference_and_the_in_order_loop(string backendName, int outer, int channels, int inner)
    {
        var backend = backends.Get(backendName);
        int count = outer * channels * inner;
        var x = TestData.Uniform(TestData.Rng(outer, channels, inner, 2), count, -2f, 2f);
        using var dx = backend.Put(x);
        using var ds = backend.Filled(channels + 3, float.NaN);
        backend.ChannelSum(dx, ds, outer, channels, inner);
        var s = backend.Floats(ds, channels + 3);
        Close.Untouched(s, channels, channels + 3, float.NaN, "channel sum wrote past its output");
        s = s[..channels];
        var expected = ReferenceMath.ChannelSum(x, outer, channels, inner, out var magnitude);
        Close.All(expected, s, c => Close.Gamma(outer * inner) * magnitude[c], $"channel sum {outer}x{channels}x{inner}");

        var inOrder = new float[channels];
        if (backend is Trainer.Kernels.Cpu.CpuBackend)
            for (int c = 0; c < channels; c++)
            {
                var acc = new float[4, 16];
                float tail = 0f;
                int k = 0, whole = inner / 16 * 16;
                for (int o = 0; o < outer; o++)
                {
                    for (int i = 0; i < whole; i += 16, k++)
                        for (int lane = 0; lane < 16; lane++) acc[k & 3, lane] += x[(o * channels + c) * inner + i + lane];
                    for (int i = whole; i < inner; i++) tail += x[(o * channels + c) * inner + i];
                }
                var lanes = new float[16];
                for (int lane = 0; lane < 16; lane++) lanes[lane] = (acc[0, lane] + acc[1, lane]) + (acc[2, lane] + acc[3, lane]);
                inOrder[c] = System.Runtime.Intrinsics.Vector512.Sum(System.Runtime.Intrinsics.Vector512.Create(lanes)) + tail;
            }
        else
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < channels; c++)
                    for (int i = 0; i < inner; i++)
                        inOrder[c] += x[(o * channels + c) * inner + i];
        Close.Bitwise(inOrder, s, "channel sum vs its documented float32 order");
    }

    [Theory]
    [InlineData(BackendFixture.NativeOneThread)]
    [InlineData(BackendFixture.NativeThreeThreads)]
    public void Sum_does_not_depend_on_the_thread_count(string backendName)
    {
        var x = TestData.Uniform(TestData.Rng(5), 9 * 16 * 100, -2f, 2f);
        float[] Run(string name)
        {
            var backend = backends.Get(name);
            using var dx = backend.Put(x);
            using var ds = backend.Filled(16, 0f);
            backend.ChannelSum(dx, ds, 9, 16, 100);
            return backend.Floats(ds, 16);
        }
        Close.Bitwise(Run(BackendFixture.Native), Run(backendName), "channel sum across thread counts");
    }
}
