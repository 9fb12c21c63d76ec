using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Tests.TestSupport;

namespace Trainer.Graph.Tests.Analysis;

public class TopologicalSchedulerTests
{
    public static TheoryData<int, int> Dags()
    {
        var data = new TheoryData<int, int>();
        foreach (var size in new[] { 1, 7, 63, 65, 257 })
            foreach (var seed in new[] { 1, 2, 3, 17, 4242 })
                data.Add(size, seed);
        return data;
    }

    private static void AssertValidSchedule(Ir.Graph graph, IReadOnlyList<Node> schedule)
    {
        Assert.Equal(graph.Nodes.Count, schedule.Count);
        Assert.Equal(schedule.Count, schedule.Distinct().Count());
        Assert.True(graph.Nodes.ToHashSet().SetEquals(schedule), "schedule and graph hold different nodes");

        var position = new Dictionary<Node, int>();
        for (int i = 0; i < schedule.Count; i++) position[schedule[i]] = i;
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
                Assert.True(position[input.Node] < position[node], $"data edge {input} -> %{node.Id} is not respected");
            foreach (var c in node.ControlInputs)
                Assert.True(position[c] < position[node], $"control edge %{c.Id} -> %{node.Id} is not respected");
        }
    }

    [Theory]
    [MemberData(nameof(Dags))]
    public void RandomDagScheduleIsAValidTopologicalOrder(int size, int seed)
    {
        var graph = RandomDags.Build(size, seed);
        Assert.Equal(size, graph.Nodes.Count);
        GraphVerifier.Verify(graph);

        var schedule = TopologicalScheduler.Schedule(graph);

        AssertValidSchedule(graph, schedule);
    }

    [Theory]
    [MemberData(nameof(Dags))]
    public void RandomDagScheduleIsDeterministic(int size, int seed)
    {
        var graph = RandomDags.Build(size, seed);
        var first = TopologicalScheduler.Schedule(graph).Select(n => n.Id).ToList();
        var second = TopologicalScheduler.Schedule(graph).Select(n => n.Id).ToList();
        var rebuilt = TopologicalScheduler.Schedule(RandomDags.Build(size, seed)).Select(n => n.Id).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first, rebuilt);
    }

    [Theory]
    [MemberData(nameof(Dags))]
    public void RandomDagScheduleTakesTheSmallestReadyIdFirst(int size, int seed)
    {
        var graph = RandomDags.Build(size, seed, controlEdges: size);
        var expected = RandomDags.ReferenceSchedule(graph).Select(n => n.Id).ToList();
        if (size >= 63)
            Assert.NotEqual(expected.Order(), expected); // control edges against id order make the tie-break matter

        Assert.Equal(expected, TopologicalScheduler.Schedule(graph).Select(n => n.Id).ToList());

        // The order of the node list does not matter, only ids and edges.
        RandomDags.ShuffleNodeList(graph, seed + 1);
        Assert.Equal(expected, TopologicalScheduler.Schedule(graph).Select(n => n.Id).ToList());
    }

    [Fact]
    public void ControlEdgesAgainstIdOrderAreRespected()
    {
        // Ids 0..3 are independent; the control edges demand %3, %2, %1, %0.
        var g = new Ir.Graph();
        var n = Enumerable.Range(0, 4).Select(i => g.AddInput($"x{i}", TensorType.Float(2))).ToArray();
        n[0].ControlInputs.Add(n[1]);
        n[1].ControlInputs.Add(n[2]);
        n[2].ControlInputs.Add(n[3]);

        Assert.Equal([3, 2, 1, 0], TopologicalScheduler.Schedule(g).Select(x => x.Id));
    }

    [Fact]
    public void IndependentNodesScheduleInIdOrder()
    {
        var g = new Ir.Graph();
        for (int i = 0; i < 5; i++) g.AddInput($"x{i}", TensorType.Float(2, 2));
        Assert.Equal([0, 1, 2, 3, 4], TopologicalScheduler.Schedule(g).Select(x => x.Id));

        // Even when the node list holds them in another order (fusion inserts nodes with new,
        // larger ids before older ones), the schedule follows ids.
        var anchor = g.Nodes[0];
        for (int i = 0; i < 3; i++) g.InsertBefore(anchor, g.CreateDetached(Op.Fill(i, 2), []));
        Assert.Equal([5, 6, 7, 0, 1, 2, 3, 4], g.Nodes.Select(x => x.Id));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], TopologicalScheduler.Schedule(g).Select(x => x.Id));
    }

    [Fact]
    public void ReadyNodeWithSmallerIdGoesFirst()
    {
        // %0 x; %1 Relu(x); %2 y; %3 Relu(y). After %0 both %1 and %2 are ready: %1 wins.
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2));
        g.Add(Op.Of(OpKind.Relu), x);
        var y = g.AddInput("y", TensorType.Float(2));
        g.Add(Op.Of(OpKind.Relu), y);
        y.ControlInputs.Add(x);

        Assert.Equal([0, 1, 2, 3], TopologicalScheduler.Schedule(g).Select(n => n.Id));
    }

    [Fact]
    public void EmptyGraphHasAnEmptySchedule() =>
        Assert.Empty(TopologicalScheduler.Schedule(new Ir.Graph()));
}
