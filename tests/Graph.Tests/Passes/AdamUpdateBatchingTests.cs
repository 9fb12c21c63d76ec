using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Passes;

namespace Trainer.Graph.Tests.Passes;

public class AdamUpdateBatchingTests
{
    /// <summary>
    /// Three Adam updates reading the shared beta powers, and the powers' advance: ordering puts
    /// every update before the advance (they read what it writes), and batching makes one launch
    /// whose inputs end with the powers once, still ordered before the advance.
    /// </summary>
    [Fact]
    public void Updates_batch_with_the_powers_once_and_stay_before_their_advance()
    {
        var g = new Ir.Graph();
        var shapes = new[] { TensorType.Float(3, 2), TensorType.Float(3), TensorType.Float(1, 5) };
        var p = shapes.Select((t, i) => g.AddParameter($"p{i}", t)).ToArray();
        var m = shapes.Select((t, i) => g.AddParameter($"moment1.p{i}", t)).ToArray();
        var v = shapes.Select((t, i) => g.AddParameter($"moment2.p{i}", t)).ToArray();
        var grads = shapes.Select((t, i) => g.AddInput($"g{i}", t)).ToArray();
        var b1 = g.AddParameter("beta1_power", TensorType.Float(1));
        var b2 = g.AddParameter("beta2_power", TensorType.Float(1));
        var op = Op.Adam();
        var hyper = HyperparameterInputs.Adam(g);
        var updates = Enumerable.Range(0, 3).Select(i => g.Add(op, p[i], m[i], v[i], grads[i], b1, b2, hyper)).ToArray();
        var advance = g.Add(Op.BetaPowers(), b1, b2, HyperparameterInputs.Adam(g));
        var loss = g.AddInput("loss", TensorType.Float());
        var result = g.Add(Op.Of(OpKind.Depend), loss);
        result.ControlInputs.AddRange([.. updates, advance]);
        g.Outputs.Add(("loss", result));

        Assert.True(new WriteAfterReadOrdering().Run(g));
        Assert.Equal(updates, advance.ControlInputs);
        PassAssert.RunsOnceAndSettles(new AdamUpdateBatching(), g);

        var batched = Assert.Single(g.Nodes, n => n.Op.Kind == OpKind.AdamUpdateMulti);
        Assert.Equal("AdamUpdateMulti", batched.Op.ToString());
        Assert.Equal(new Value[] { p[0], p[1], p[2], m[0], m[1], m[2], v[0], v[1], v[2], grads[0], grads[1], grads[2], b1, b2, hyper }, batched.Inputs);
        Assert.Equal(Enumerable.Range(0, 9), OpRegistry.Get(OpKind.AdamUpdateMulti).WrittenInputs(batched.Op, 15));
        Assert.Equal([batched], advance.ControlInputs);
        Assert.True(new Reachability(g).IsOrderedBefore(batched, advance));
    }

    [Fact]
    public void Updates_reading_different_powers_are_not_batched_together()
    {
        var g = new Ir.Graph();
        var t = TensorType.Float(4);
        var op = Op.Adam();
        Node Update(int i, Value b1, Value b2) =>
            g.Add(op, g.AddParameter($"p{i}", t), g.AddParameter($"m{i}", t), g.AddParameter($"v{i}", t), g.AddInput($"g{i}", t), b1, b2, HyperparameterInputs.Adam(g));
        var powersA = (g.AddParameter("a1", TensorType.Float(1)), g.AddParameter("a2", TensorType.Float(1)));
        var powersB = (g.AddParameter("b1", TensorType.Float(1)), g.AddParameter("b2", TensorType.Float(1)));
        Update(0, powersA.Item1, powersA.Item2);
        Update(1, powersB.Item1, powersB.Item2);

        PassAssert.LeavesAlone(new AdamUpdateBatching(), g);
    }

    [Fact]
    public void Type_errors_name_the_op()
    {
        var g = new Ir.Graph();
        var t = TensorType.Float(4);
        var e = Assert.Throws<OpShapeException>(() => g.Add(Op.Adam(),
            g.AddParameter("p", t), g.AddParameter("m", t), g.AddParameter("v", t), g.AddInput("g", t), g.AddParameter("b1", TensorType.Float(2)), g.AddParameter("b2", TensorType.Float(1)), HyperparameterInputs.Adam(g)));
        Assert.Contains("AdamUpdate: the beta powers must be single numbers", e.Message);
        Assert.Contains("single numbers", e.Message);
    }
}
