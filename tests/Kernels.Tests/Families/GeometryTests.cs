using Trainer.Kernels.Families;

namespace Trainer.Kernels.Tests.Families;

public sealed class GeometryTests
{
    [Fact]
    public void Broadcast_merges_axes_that_broadcast_alike()
    {
        var g = BroadcastGeometry.For([2, 3, 4, 5], [1, 3, 1, 1], [2, 3, 4, 5]);
        Assert.Equal(3, g.Rank);
        Assert.Equal([2, 3, 20], Enumerable.Range(0, 3).Select(g.Dim));
        Assert.Equal([60, 20, 1], Enumerable.Range(0, 3).Select(g.StrideA));
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(g.StrideB));
        Assert.Equal(1, BroadcastGeometry.For([7, 9], [7, 9], [7, 9]).Rank);
        Assert.Equal(0, BroadcastGeometry.For([1], [], [1]).Rank);
    }

    [Fact]
    public void Broadcast_refuses_shapes_that_do_not_fit_and_too_many_alternations()
    {
        Assert.Contains("do not broadcast", Assert.Throws<ArgumentException>(() => BroadcastGeometry.For([3], [4], [4])).Message);
        var alternating = Enumerable.Range(0, 7).Select(i => 2).ToArray();
        var a = alternating.Select((d, i) => i % 2 == 0 ? d : 1).ToArray();
        var b = alternating.Select((d, i) => i % 2 == 0 ? 1 : d).ToArray();
        Assert.Contains("at most 6", Assert.Throws<ArgumentException>(() => BroadcastGeometry.For(a, b, alternating)).Message);
    }

    [Fact]
    public void Reduce_merges_neighbouring_axes_of_a_kind_and_walks_row_major()
    {
        var g = ReduceGeometry.For([2, 3, 4, 5], [2, 3]);
        Assert.Equal((1, 1, 6, 20), (g.KeptRank, g.ReducedRank, g.OutputCount, g.ReducedCount));
        Assert.Equal(40, g.Base(2));
        Assert.Equal(7, g.Step(7));
        var split = ReduceGeometry.For([3, 4, 5], [0, 2]);
        Assert.Equal((1, 2, 4, 15), (split.KeptRank, split.ReducedRank, split.OutputCount, split.ReducedCount));
        Assert.Equal(5, split.Base(1));
        Assert.Equal(20 + 2, split.Step(5 + 2)); // second row of axis 0, element 2 of axis 2
    }
}
