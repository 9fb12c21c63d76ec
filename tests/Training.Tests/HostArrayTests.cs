namespace Trainer.Training.Tests;

/// <summary>Tensors made from host arrays and read back, for every element type and awkward sizes.</summary>
public sealed class HostArrayTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    public void RoundTripsEveryElementType(int n)
    {
        using var scope = session.Scope();
        var floats = Enumerable.Range(0, n).Select(i => i * 0.37f - 11f).ToArray();
        var ints = Enumerable.Range(0, n).Select(i => i * 7919 - 1000).ToArray();
        var bytes = Enumerable.Range(0, n).Select(i => (byte)(i * 31)).ToArray();

        var f = session.Tensor(floats, new Shape(1, n));
        var i32 = session.Tensor(ints, new Shape(n));
        var u8 = session.Tensor(bytes, new Shape(n, 1));

        Assert.Equal(floats, f.ToFloatArray());
        Assert.Equal(floats, f.ToArray<float>());
        Assert.Equal(ints, i32.ToArray<int>());
        Assert.Equal(bytes, u8.ToArray<byte>());
        Assert.Equal((new Shape(1, n), ElementType.Float32), (f.Shape, f.ElementType));
        Assert.Equal((new Shape(n), ElementType.Int32), (i32.Shape, i32.ElementType));
        Assert.Equal((new Shape(n, 1), ElementType.UInt8), (u8.Shape, u8.ElementType));
    }

    [Fact]
    public void ItemReadsTheOneElement()
    {
        using var scope = session.Scope();
        Assert.Equal(2.5f, session.Tensor([2.5f], Shape.Scalar).Item());
        Assert.Equal(-3, session.Tensor([-3], new Shape(1, 1)).Item<int>());
        var e = Assert.Throws<InvalidOperationException>(() => session.Tensor([1f, 2f], new Shape(2)).Item());
        Assert.Equal("Item() needs a one-element tensor, got shape (2,)", e.Message);
    }

    [Fact]
    public void MismatchesAreOneLineNamingShapeAndLength()
    {
        using var scope = session.Scope();
        var e = Assert.Throws<ArgumentException>(() => session.Tensor(new float[5], new Shape(2, 3)));
        Assert.StartsWith("Tensor: shape (2, 3) has 6 elements but the float32 data has 5", e.Message);
        var t = session.Tensor(new int[6], new Shape(2, 3));
        var w = Assert.Throws<InvalidOperationException>(() => t.ToArray<float>());
        Assert.Equal("ToArray<Single>: the tensor is (2, 3) int32, not float32", w.Message);
        Assert.DoesNotContain('\n', e.Message + w.Message);
    }
}
