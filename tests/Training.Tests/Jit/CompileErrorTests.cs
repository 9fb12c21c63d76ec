using Trainer.Graph;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Jit;

/// <summary>Steps that cannot be compiled fail while compiling, with a message naming the op and shapes, never with a wrong result.</summary>
public sealed class CompileErrorTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    private sealed class BranchingCell : Cell
    {
        private readonly Dense dense = new(4, 3);

        public BranchingCell() => Register("dense", dense);

        public override Tensor Construct(Tensor x)
        {
            var y = dense.Call(x);
            // Python-style data-dependent control flow: fine eagerly, impossible to compile.
            return y.ToFloatArray()[0] > 0 ? Ops.Relu(y) : y;
        }
    }

    private Tensor Floats(params int[] shape)
    {
        var n = shape.Aggregate(1, (a, b) => a * b);
        return session.ToDevice(new HostTensor(shape, Enumerable.Range(0, n).Select(i => (i % 7) - 3f).ToArray()));
    }

    private Tensor Labels(int n) => session.ToDevice(new HostTensor([n], new int[n]));

    [Fact]
    public void DataDependentControlFlowIsRejectedWhileTracing()
    {
        var cell = new BranchingCell();
        session.Place(cell);
        var (x, y) = (Floats(2, 4), Labels(2));
        Assert.Equal([2, 3], cell.Call(x).Shape); // eager mode runs it

        using var f = new GraphFunction(session, "branching", (a, b) => [Ops.SoftmaxCrossEntropy(cell.Call(a), b)], ["x", "y"], ["loss"], new CompileOptions());
        var e = Assert.Throws<GraphCompileException>(() => f.Call(x, y));
        Assert.Equal("data-dependent control flow: the value of %5 BiasAdd [2,3] float32 was read on the host while tracing; " +
                     "graph mode compiles the step once and cannot branch on tensor values (use --mode eager)", e.Message);
        session.EndStep();
    }

    [Fact]
    public void ShapesThatDoNotFitNameTheOpAndShapes()
    {
        GlobalSeed.Set(1);
        var model = new SequentialCell(new Dense(4, 5), new ReLU(), new Dense(6, 2));
        session.Place(model);
        using var f = new GraphFunction(session, "bad_shapes", (a, b) => [Ops.SoftmaxCrossEntropy(model.Call(a), b)], ["x", "y"], ["loss"], new CompileOptions());
        var e = Assert.Throws<GraphCompileException>(() => f.Call(Floats(3, 4), Labels(3)));
        Assert.Equal("while tracing bad_shapes: MatMul[nt]: inner dimensions differ (5 vs 6) (inputs: [3,5] float32, [2,6] float32)", e.Message);
        session.EndStep();
    }

    [Fact]
    public void AnOpWithoutGradientRuleOnThePathFailsAtCompileTime()
    {
        GlobalSeed.Set(2);
        var dense = new Dense(4, 3);
        var model = new SequentialCell(dense);
        session.Place(model);
        var grad = Autograd.ValueAndGrad((a, b) =>
        {
            // ColumnSum is a backward-only primitive without a gradient rule of its own.
            var summed = Ops.Apply(Op.Of(OpKind.ColumnSum), model.Call(a));
            return Ops.SoftmaxCrossEntropy(Ops.Reshape(summed, 1, 3), b);
        }, null, model.TrainableParams());
        using var f = new GraphFunction(session, "no_grad", (a, b) => [grad(a, b).Loss], ["x", "y"], ["loss"], new CompileOptions());
        var e = Assert.Throws<GraphCompileException>(() => f.Call(Floats(2, 4), Labels(1)));
        Assert.Equal("ColumnSum has no gradient rule, but a gradient flows through it (inputs [2,3] float32)", e.Message);
        session.EndStep();
    }

    [Fact]
    public void EagerTensorsCapturedFromOutsideTheTraceAreRejected()
    {
        var captured = Floats(2, 3);
        using var f = new GraphFunction(session, "captures", (a, b) => [Ops.SoftmaxCrossEntropy(Ops.BiasAdd(captured, Ops.Reshape(a, 3)), b)],
            ["x", "y"], ["loss"], new CompileOptions());
        var e = Assert.Throws<GraphCompileException>(() => f.Call(Floats(1, 3), Labels(2)));
        Assert.Equal("a [2,3] float32 tensor computed outside the traced function captures was used inside it; pass it as an argument instead", e.Message);
        session.EndStep();
    }
}
