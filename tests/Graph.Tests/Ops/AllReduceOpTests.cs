using Trainer.Graph.Autodiff;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Parallel;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Tests.Ops;

public class AllReduceOpTests
{
    [Fact]
    public void Keeps_the_gradients_type_and_prints_its_world()
    {
        var op = Op.AllReduce(2);
        Assert.Equal("AllReduce[world=2]", op.ToString());
        Assert.Equal([TensorType.Float(3, 5)], OpRegistry.Get(OpKind.AllReduce).InferTypes(op, [TensorType.Float(3, 5)]));
        Assert.Equal([TensorType.Float(7), TensorType.Float(1), TensorType.Float(65, 257)],
            OpRegistry.Get(OpKind.AllReduce).InferTypes(op, [TensorType.Float(7), TensorType.Float(1), TensorType.Float(65, 257)]));
        Assert.Equal(Op.AllReduce(2), op);
        Assert.NotEqual(Op.AllReduce(4), op);
        Assert.Empty(OpRegistry.Get(OpKind.AllReduce).WrittenInputs(op, 1));
        Assert.False(OpRegistry.Get(OpKind.AllReduce).IsAlias);
    }

    [Fact]
    public void Rejects_ints_and_a_world_of_one()
    {
        var def = OpRegistry.Get(OpKind.AllReduce);
        Assert.Equal("AllReduce[world=2]: input 0 must be float32 (inputs: [3] int32)",
            Assert.Throws<OpShapeException>(() => def.InferTypes(Op.AllReduce(2), [TensorType.Int(3)])).Message);
        Assert.Equal("AllReduce[world=2]: input 1 must be float32 (inputs: [3] float32, [3] int32)",
            Assert.Throws<OpShapeException>(() => def.InferTypes(Op.AllReduce(2), [TensorType.Float(3), TensorType.Int(3)])).Message);
        Assert.StartsWith("AllReduce[world=2]: an all-reduce needs at least one gradient",
            Assert.Throws<OpShapeException>(() => def.InferTypes(Op.AllReduce(2), [])).Message);
        Assert.Equal("AllReduce[world=1]: an all-reduce needs a world size of at least 2 (inputs: [3] float32)",
            Assert.Throws<OpShapeException>(() => def.InferTypes(Op.AllReduce(1), [TensorType.Float(3)])).Message);
    }

    [Fact]
    public void Differentiating_through_it_is_a_clear_compile_error()
    {
        var g = new Ir.Graph();
        var w = g.AddParameter("w", TensorType.Float(2, 3));
        var label = g.AddInput("label", TensorType.Int(2));
        var reduced = g.Add(Op.AllReduce(2), w);
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), reduced, label);

        var e = Assert.Throws<GraphCompileException>(() => GraphAutodiff.Gradients(g, loss, [w]));
        Assert.Equal("AllReduce[world=2] cannot be differentiated: the gradient all-reduce is inserted after differentiation, " +
                     "between a gradient and its update (input [2,3] float32)", e.Message);
    }

    [Fact]
    public void Binding_needs_a_reducer_of_the_compiled_world()
    {
        using var backend = new CpuBackend(threads: 1);
        var def = OpRegistry.Get(OpKind.AllReduce);
        var a = backend.Allocate(16);
        var b = backend.Allocate(16);
        try
        {
            TensorType[] types = [TensorType.Float(4)];
            var none = Assert.Throws<GraphCompileException>(() => def.Bind(new BindContext(backend), Op.AllReduce(2), types, [a], [b], null));
            Assert.Equal("AllReduce[world=2]: the step was compiled for 2 processes, but no gradient reducer was supplied when binding it", none.Message);
            var wrong = new HostGradientReducer(backend, 3, _ => { });
            var mismatch = Assert.Throws<GraphCompileException>(() => def.Bind(new BindContext(backend, wrong), Op.AllReduce(2), types, [a], [b], null));
            Assert.Equal("AllReduce[world=2]: the step was compiled for 2 processes, but the gradient reducer spans 3", mismatch.Message);
        }
        finally
        {
            backend.Free(b);
            backend.Free(a);
        }
    }

    [Fact]
    public void The_kernel_averages_copies_of_every_gradient_in_one_call_and_leaves_the_gradients_alone()
    {
        using var backend = new CpuBackend(threads: 1);
        var grad = backend.Allocate(12);
        var bias = backend.Allocate(64); // a buffer larger than its gradient: only the first 1 value is reduced
        var mean = backend.Allocate(12);
        var biasMean = backend.Allocate(64);
        try
        {
            backend.Upload<float>(grad, [1f, 2f, 3f]);
            backend.Upload<float>(bias, [7f]);
            var seen = new List<float[]>();
            // A stand-in for the other process: it holds 10, 20, 30, 40 where this one holds 1, 2, 3, 7.
            var reducer = new HostGradientReducer(backend, 2, v => { seen.Add(v.ToArray()); for (int i = 0; i < v.Length; i++) v[i] = (v[i] + 10 * (i + 1)) / 2; });
            var kernel = OpRegistry.Get(OpKind.AllReduce).Bind(new BindContext(backend, reducer), Op.AllReduce(2),
                [TensorType.Float(3), TensorType.Float(1)], [grad, bias], [mean, biasMean], null)!;

            kernel.Launch();

            var result = new float[3];
            backend.Download<float>(mean, result);
            Assert.Equal([5.5f, 11f, 16.5f], result);
            var one = new float[1];
            backend.Download<float>(biasMean, one);
            Assert.Equal([23.5f], one);
            backend.Download<float>(grad, result);
            Assert.Equal([1f, 2f, 3f], result);
            Assert.Equal([1f, 2f, 3f, 7f], Assert.Single(seen));
        }
        finally
        {
            backend.Free(biasMean);
            backend.Free(mean);
            backend.Free(bias);
            backend.Free(grad);
        }
    }
}
