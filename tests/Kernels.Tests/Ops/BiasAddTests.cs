using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

public sealed class BiasAddTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int rows in new[] { 1, 7, 63, 65, 257 })
                foreach (int columns in new[] { 1, 7, 65, 257 })
                    data.Add(backend, rows, columns);
        return data;
    }

    /// <summary>One float32 add per element, rounded to nearest: |error| ≤ u·|x + b|.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_float64_reference(string backendName, int rows, int columns)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(rows, columns);
        var x = TestData.Uniform(rng, rows * columns, -3f, 3f);
        var bias = TestData.Uniform(rng, columns, -3f, 3f);
        using var dx = backend.Put(x);
        using var db = backend.Put(bias);
        using var dy = backend.Filled(rows * columns + 5, float.NaN);
        backend.BiasAdd(dx, db, dy, rows, columns);
        var y = backend.Floats(dy, rows * columns + 5);
        Close.Untouched(y, rows * columns, rows * columns + 5, float.NaN, "bias add wrote past y");
        var expected = ReferenceMath.BiasAdd(x, bias, rows, columns);
        Close.All(expected, y[..(rows * columns)], i => Close.U * Math.Abs(expected[i]), $"bias add {rows}x{columns}");
    }

    [Fact]
    public void Works_in_place()
    {
        var backend = backends.Get(BackendFixture.Fast);
        var rng = TestData.Rng(3);
        var x = TestData.Uniform(rng, 63 * 7);
        var bias = TestData.Uniform(rng, 7);
        using var dx = backend.Put(x);
        using var db = backend.Put(bias);
        backend.BiasAdd(dx, db, dx, 63, 7);
        var expected = ReferenceMath.BiasAdd(x, bias, 63, 7);
        Close.All(expected, backend.Floats(dx, 63 * 7), i => Close.U * Math.Abs(expected[i]), "in-place bias add");
    }
}
