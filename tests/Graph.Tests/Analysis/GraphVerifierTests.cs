using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Analysis;

public class GraphVerifierTests
{
    /// <summary>
    /// %0 x [4,3]; %1 P [2,3]; %2 R = MatMul[nt](x, P) [4,2]; %3 g [2,3] (does not depend on R);
    /// %4 g2 = Depend(g) after(R) when <paramref name="ordered"/>; %5 the learning rate's input; %6 U = SgdUpdate(P, g2, %5).
    /// The only ordering between the read R and the write U is the Depend's control edge.
    /// </summary>
    private static (Ir.Graph Graph, Node R, Node G2, Node U) ReadThenUpdate(bool ordered)
    {
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(4, 3));
        var p = graph.AddParameter("P", TensorType.Float(2, 3));
        var r = graph.Add(Op.MatMul(false, true), x, p);
        var g = graph.AddInput("g", TensorType.Float(2, 3));
        var g2 = graph.Add(Op.Of(OpKind.Depend), g);
        if (ordered) g2.ControlInputs.Add(r);
        var u = graph.Add(Op.Sgd(), p, g2, HyperparameterInputs.Sgd(graph, "@0.5f"));
        graph.Outputs.Add(("r", r));
        return (graph, r, g2, u);
    }

    private const string UnorderedMessage =
        "unordered read and write of parameter 'P': %2 MatMul[nt] reads it and %6 SgdUpdate writes it, " +
        "with no path between them; add Depend or a control edge";

    [Fact]
    public void DependOrdersTheReadBeforeTheUpdate()
    {
        var (graph, r, _, u) = ReadThenUpdate(ordered: true);

        GraphVerifier.Verify(graph);
        var schedule = TopologicalScheduler.Schedule(graph).ToList();

        Assert.True(schedule.IndexOf(r) < schedule.IndexOf(u));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], schedule.Select(n => n.Id));
    }

    [Fact]
    public void WithoutTheControlEdgeTheHazardIsReportedExactly()
    {
        var (graph, _, g2, _) = ReadThenUpdate(ordered: true);
        g2.ControlInputs.Clear();

        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph));
        Assert.Equal(UnorderedMessage, e.Message);

        // Hazards are not checked on a freshly traced graph.
        GraphVerifier.Verify(graph, checkHazards: false);
    }

    [Fact]
    public void WriteAfterReadOrderingAddsTheMissingEdge()
    {
        var (graph, r, _, u) = ReadThenUpdate(ordered: false);
        Assert.Equal(UnorderedMessage, Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);

        Assert.True(new WriteAfterReadOrdering().Run(graph));

        Assert.Equal([r], u.ControlInputs);
        GraphVerifier.Verify(graph);
        var schedule = TopologicalScheduler.Schedule(graph).ToList();
        Assert.True(schedule.IndexOf(r) < schedule.IndexOf(u));
        Assert.False(new WriteAfterReadOrdering().Run(graph));
    }

    [Fact]
    public void WriteAfterReadOrderingLeavesAnOrderedGraphAlone()
    {
        var (graph, _, g2, u) = ReadThenUpdate(ordered: true);

        Assert.False(new WriteAfterReadOrdering().Run(graph));
        Assert.Empty(u.ControlInputs);
        Assert.Single(g2.ControlInputs);
    }

    [Fact]
    public void ReadThroughAnAliasIsAHazardToo()
    {
        // R reads P through a Reshape; the write must still be ordered after it.
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(4, 6));
        var p = graph.AddParameter("P", TensorType.Float(2, 3));
        var flat = graph.Add(Op.Reshape(1, 6), p);
        var r = graph.Add(Op.MatMul(false, true), x, flat);
        var g = graph.AddInput("g", TensorType.Float(2, 3));
        var u = graph.Add(Op.Sgd(), p, g, HyperparameterInputs.Sgd(graph, "@0.25f"));
        graph.Outputs.Add(("r", r));

        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph));
        Assert.Equal("unordered read and write of parameter 'P': %2 Reshape[[1,6]] reads it and %6 SgdUpdate writes it, " +
                     "with no path between them; add Depend or a control edge", e.Message);

        Assert.True(new WriteAfterReadOrdering().Run(graph));
        GraphVerifier.Verify(graph);
        var schedule = TopologicalScheduler.Schedule(graph).ToList();
        Assert.True(schedule.IndexOf(r) < schedule.IndexOf(u));
        Assert.True(schedule.IndexOf(flat) < schedule.IndexOf(u));
    }

    [Fact]
    public void TwoUnorderedWritesAreReported()
    {
        var graph = new Ir.Graph();
        var p = graph.AddParameter("P", TensorType.Float(3));
        var g = graph.AddInput("g", TensorType.Float(3));
        graph.Add(Op.Sgd(), p, g, HyperparameterInputs.Sgd(graph, "@0.5f"));
        graph.Add(Op.Sgd(), p, g, HyperparameterInputs.Sgd(graph, "@0.5f"));

        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph));
        Assert.Equal("unordered writes of parameter 'P': %4 SgdUpdate writes it and %3 SgdUpdate writes it, " +
                     "with no path between them; add Depend or a control edge", e.Message);
    }

    [Fact]
    public void TwoNodeControlCycleIsNamed()
    {
        // %1 a = Relu(x); %2 b = Relu(a); a after(b): a -> b by data, b -> a by control.
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(2, 2));
        var a = graph.Add(Op.Of(OpKind.Relu), x);
        var b = graph.Add(Op.Of(OpKind.Relu), a);
        a.ControlInputs.Add(b);

        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph));
        Assert.Equal("cycle in graph: %2 Relu -> %1 Relu -> %2 Relu", e.Message);

        var s = Assert.Throws<GraphCompileException>(() => TopologicalScheduler.Schedule(graph));
        Assert.StartsWith("cycle in graph: ", s.Message);
        Assert.Contains("%1 Relu", s.Message);
        Assert.Contains("%2 Relu", s.Message);
    }

    [Fact]
    public void LongerCycleNamesOnlyItsNodesInEdgeOrder()
    {
        // %1 a = Relu(x); %2 b = Relu(a); %3 c = Relu(b); %4 d = Relu(c) lies behind the cycle; a after(c).
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(2));
        var a = graph.Add(Op.Of(OpKind.Relu), x);
        var b = graph.Add(Op.Of(OpKind.Relu), a);
        var c = graph.Add(Op.Of(OpKind.Relu), b);
        graph.Add(Op.Of(OpKind.Relu), c);
        a.ControlInputs.Add(c);

        var e = Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph, checkHazards: false));
        Assert.Equal("cycle in graph: %2 Relu -> %3 Relu -> %1 Relu -> %2 Relu", e.Message);
        Assert.DoesNotContain("%4", e.Message);
        Assert.DoesNotContain("%0", e.Message);

        var s = Assert.Throws<GraphCompileException>(() => TopologicalScheduler.Schedule(graph));
        Assert.Equal(e.Message, s.Message);
    }

    [Fact]
    public void SelfLoopIsACycle()
    {
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(2));
        var a = graph.Add(Op.Of(OpKind.Relu), x);
        a.ControlInputs.Add(a);

        Assert.Equal("cycle in graph: %1 Relu -> %1 Relu",
            Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);
        Assert.Throws<GraphCompileException>(() => TopologicalScheduler.Schedule(graph));
    }

    [Fact]
    public void EdgesToNodesOutsideTheGraphAreRejected()
    {
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(2));
        var a = graph.Add(Op.Of(OpKind.Relu), x);
        var b = graph.Add(Op.Of(OpKind.Relu), a);
        graph.RemoveAll(n => n == a);

        Assert.Equal("%2 Relu(%1: [2] float32) reads %1, which is not in the graph",
            Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);

        b.Inputs[0] = x;
        b.ControlInputs.Add(a);
        Assert.Equal("%2 Relu(%0: [2] float32) has a control edge from %1, which is not in the graph",
            Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);

        b.ControlInputs.Clear();
        graph.Outputs.Add(("gone", a));
        Assert.Equal("output 'gone' is %1, which is not in the graph",
            Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);
    }

    [Fact]
    public void StaleOutputTypesAreRejected()
    {
        var graph = new Ir.Graph();
        var x = graph.AddInput("x", TensorType.Float(2, 3));
        var y = graph.AddInput("y", TensorType.Float(3, 2));
        var r = graph.Add(Op.Of(OpKind.Relu), x);
        r.Inputs[0] = y;

        Assert.Equal("%2 Relu(%1: [3,2] float32) has outputs ([2,3] float32) but its op gives ([3,2] float32)",
            Assert.Throws<GraphCompileException>(() => GraphVerifier.Verify(graph)).Message);
    }
}
