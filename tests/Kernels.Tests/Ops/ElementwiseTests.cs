namespace Trainer.Kernels.Tests.Ops;

public sealed class ElementwiseTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int count in new[] { 1, 7, 63, 65, 257, 100_003 })
                data.Add(backend, count);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fill_writes_exactly_count_elements(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        using var dy = backend.Filled(count + 4, float.NaN);
        backend.Fill(dy, count, -0.3125f);
        var y = backend.Floats(dy, count + 4);
        Assert.All(y[..count], v => Assert.Equal(-0.3125f, v));
        Close.Untouched(y, count, count + 4, float.NaN, "fill wrote past count");
    }

    /// <summary>One float32 add per element: |error| ≤ u·|a + b| against float64, and bit-identical to a float32 add.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Add_matches_reference(string backendName, int count)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(count);
        var a = TestData.Uniform(rng, count, -10f, 10f);
        var b = TestData.Uniform(rng, count, -10f, 10f);
        using var da = backend.Put(a);
        using var db = backend.Put(b);
        using var dy = backend.Filled(count + 4, float.NaN);
        backend.Add(da, db, dy, count);
        var y = backend.Floats(dy, count + 4);
        Close.Untouched(y, count, count + 4, float.NaN, "add wrote past count");
        var expected = new double[count];
        for (int i = 0; i < count; i++) expected[i] = (double)a[i] + b[i];
        Close.All(expected, y[..count], i => Close.U * Math.Abs(expected[i]), $"add n={count}");
        Close.Bitwise(a.Zip(b, (x, z) => x + z).ToArray(), y[..count], "add vs float32");
    }

    [Fact]
    public void Add_accumulates_in_place()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var rng = TestData.Rng(5);
        var a = TestData.Uniform(rng, 65);
        var b = TestData.Uniform(rng, 65);
        using var da = backend.Put(a);
        using var db = backend.Put(b);
        backend.Add(da, db, da, 65);
        Close.Bitwise(a.Zip(b, (x, z) => x + z).ToArray(), backend.Floats(da, 65), "in-place add");
    }
}
