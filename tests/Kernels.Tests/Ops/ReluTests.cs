using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

public sealed class ReluTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int count in new[] { 1, 7, 63, 65, 257, 64 * 512 + 3 })
                data.Add(backend, count);
        return data;
    }

    private static float[] WithSpecials(float[] x)
    {
        // Exact zeros, negative zero and tiny values around the threshold.
        if (x.Length > 0) x[0] = 0f;
        if (x.Length > 1) x[1] = -0f;
        if (x.Length > 2) x[2] = float.Epsilon;
        if (x.Length > 3) x[3] = -float.Epsilon;
        return x;
    }

    /// <summary>ReLU is exact in float32: the result must equal the reference exactly (tolerance 0).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_is_exact(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var x = WithSpecials(TestData.Uniform(TestData.Rng(count), count));
        using var dx = backend.Put(x);
        using var dy = backend.Filled(count + 3, float.NaN);
        backend.Relu(dx, dy, count);
        var y = backend.Floats(dy, count + 3);
        Close.Untouched(y, count, count + 3, float.NaN, "relu wrote past y");
        Close.All(ReferenceMath.Relu(x), y[..count], _ => 0, $"relu n={count}");
        Assert.All(y[..count], v => Assert.False(float.IsNegative(v), "relu output must not be negative (incl. -0)"));
    }

    /// <summary>
    /// The backward masks by the forward output y &gt; 0, not by dy: where y is 0 the gradient is 0
    /// whatever dy is, and where y &gt; 0 it is dy, exactly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_masks_by_forward_output(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count, 1);
        var x = WithSpecials(TestData.Uniform(rng, count));
        var y = Array.ConvertAll(x, v => v > 0 ? v : 0f);
        var dy = TestData.Uniform(rng, count, -2f, 2f);
        using var ddy = backend.Put(dy);
        using var dyOut = backend.Put(y);
        using var ddx = backend.Filled(count + 3, float.NaN);
        backend.ReluBackward(ddy, dyOut, ddx, count);
        var dx = backend.Floats(ddx, count + 3);
        Close.Untouched(dx, count, count + 3, float.NaN, "relu backward wrote past dx");
        Close.All(ReferenceMath.ReluBackward(dy, y), dx[..count], _ => 0, $"relu backward n={count}");
    }

    [Fact]
    public void Forward_then_backward_through_the_device()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var rng = TestData.Rng(99);
        var x = TestData.Uniform(rng, 257);
        var dy = TestData.Uniform(rng, 257);
        using var dx = backend.Put(x);
        using var y = backend.Allocate(257 * 4);
        using var ddy = backend.Put(dy);
        backend.Relu(dx, y, 257);
        backend.ReluBackward(ddy, y, ddy, 257); // in place
        var expected = new double[257];
        for (int i = 0; i < 257; i++) expected[i] = x[i] > 0 ? dy[i] : 0;
        Close.All(expected, backend.Floats(ddy, 257), _ => 0, "relu backward in place");
    }
}
