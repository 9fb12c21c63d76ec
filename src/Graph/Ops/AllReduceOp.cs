using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// AllReduce(grad): the mean of grad over every process (<see cref="AllReduceAttributes.WorldSize"/>
/// of them), into a buffer of its own. Only <see cref="Passes.GradientAllReduce"/> makes it, after
/// differentiation, so it has no gradient rule.
/// <para>
/// A new output rather than grad overwritten in place: the memory planner gives it a slot and
/// reuses grad's once the AllReduce has read it, so the cost is one device copy per gradient and
/// no write-after-read edge against other readers of grad (nothing else may be ordered around an
/// in-place rewrite of a value). The kernel copies grad to the output, then has the bound
/// <see cref="Parallel.IGradientReducer"/> average the output in place.
/// </para>
/// </summary>
public sealed class AllReduceOp : OpDefinition
{
    public override OpKind Kind => OpKind.AllReduce;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 1);
        ExpectFloat(op, inputs, 0);
        if (op.Attributes is not AllReduceAttributes { WorldSize: >= 2 })
            throw Mismatch(op, inputs, "an all-reduce needs a world size of at least 2");
        return [inputs[0]];
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        throw new GraphCompileException($"{op} cannot be differentiated: the gradient all-reduce is inserted after " +
                                        $"differentiation, between a gradient and its update (input {b.TypeOf(inputs[0])})");

    public override BoundKernel? Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace) =>
        Bind(new BindContext(backend), op, inputTypes, inputs, outputs, workspace);

    public override BoundKernel? Bind(BindContext context, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        int worldSize = ((AllReduceAttributes)op.Attributes!).WorldSize;
        var reducer = context.Reducer ??
            throw new GraphCompileException($"{op}: the step was compiled for {worldSize} processes, but no gradient reducer was supplied when binding it");
        if (reducer.WorldSize != worldSize)
            throw new GraphCompileException($"{op}: the step was compiled for {worldSize} processes, but the gradient reducer spans {reducer.WorldSize}");
        var backend = context.Backend;
        long floats = inputTypes[0].ElementCount, bytes = inputTypes[0].ByteCount;
        DeviceBuffer gradient = inputs[0], mean = outputs[0];
        return new BoundKernel("all-reduce", () =>
        {
            backend.Copy(gradient, mean, bytes);
            reducer.AllReduceMean(mean, floats);
        });
    }
}
