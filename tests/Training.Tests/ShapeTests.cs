namespace Trainer.Training.Tests;

public sealed class ShapeTests
{
    [Fact]
    public void PrintsAsAPythonTuple()
    {
        Assert.Equal("(64, 1, 28, 28)", new Shape(64, 1, 28, 28).ToString());
        Assert.Equal("(10,)", new Shape(10).ToString());
        Assert.Equal("()", Shape.Scalar.ToString());
    }

    [Fact]
    public void ComparesByValue()
    {
        int[] dims = [7, 63];
        var a = new Shape(dims);
        dims[0] = 1; // the shape copied its dimensions
        Assert.Equal(new Shape(7, 63), a);
        Assert.True(a == new Shape(7, 63));
        Assert.True(a != new Shape(63, 7));
        Assert.NotEqual(new Shape(7), new Shape(7, 1));
        Assert.Equal(new Shape(7, 63).GetHashCode(), a.GetHashCode());
        Assert.Equal(default, new Shape());
    }

    [Fact]
    public void CountsElementsAndIndexesFromEitherEnd()
    {
        var s = new Shape(2, 3, 257);
        Assert.Equal(3, s.Rank);
        Assert.Equal(2L * 3 * 257, s.ElementCount);
        Assert.Equal(257, s[-1]);
        Assert.Equal(2, s[0]);
        Assert.Equal(1, Shape.Scalar.ElementCount);
        Assert.Equal(0, new Shape(5, 0, 65).ElementCount);
        Assert.Equal([2, 3, 257], s.ToArray());
        Assert.Equal([2, 3, 257], s);
    }

    [Fact]
    public void RejectsNegativeDimensionsAndAxesOutOfRange()
    {
        var e = Assert.Throws<ArgumentException>(() => new Shape(3, -1));
        Assert.StartsWith("shape (3, -1) has a negative dimension", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => new Shape(3, 4)[2]);
        Assert.StartsWith("axis 2 is out of range for shape (3, 4) (rank 2)", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Shape(3, 4)[-3]);
    }
}
