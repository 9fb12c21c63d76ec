using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

public sealed class ColumnSumTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int rows in new[] { 1, 7, 63, 65, 257 })
                foreach (int columns in new[] { 1, 7, 65, 512 })
                    data.Add(backend, rows, columns);
        return data;
    }

    /// <summary>
    /// Bound: recursive float32 summation of B values, |error| ≤ γ_{B−1}·Σ_i |x_ij|. The kernel
    /// documents that it sums rows in order, so it must also equal a float32 loop bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_float64_reference_and_sums_in_row_order(string backendName, int rows, int columns)
    {
        var backend = backends.Get(backendName);
        var x = TestData.Uniform(TestData.Rng(rows, columns), rows * columns, -2f, 2f);
        using var dx = backend.Put(x);
        using var ds = backend.Filled(columns + 3, float.NaN);
        backend.ColumnSum(dx, ds, rows, columns);
        var s = backend.Floats(ds, columns + 3);
        Close.Untouched(s, columns, columns + 3, float.NaN, "column sum wrote past its output");
        s = s[..columns];

        var expected = ReferenceMath.ColumnSum(x, rows, columns, out var magnitude);
        Close.All(expected, s, j => Close.Gamma(rows) * magnitude[j], $"column sum {rows}x{columns}");

        var inOrder = new float[columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                inOrder[j] += x[i * columns + j];
        Close.Bitwise(inOrder, s, "column sum vs in-order float32 loop");
    }

    [Fact]
    public void Zero_rows_give_zero()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var dx = backend.Allocate(4);
        using var ds = backend.Filled(5, float.NaN);
        backend.ColumnSum(dx, ds, 0, 5);
        Assert.All(backend.Floats(ds, 5), v => Assert.Equal(0f, v));
    }
}
