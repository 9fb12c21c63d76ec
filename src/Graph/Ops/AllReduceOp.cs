using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// AllReduce(g1, ..., gk): every gradient of the step averaged over every process
/// (<see cref="AllReduceAttributes.WorldSize"/> of them) as one collective, output i the mean of input i, each
/// into a buffer of its own. Only <see cref="Passes.GradientAllReduce"/> makes it, after differentiation, so it has
/// no gradient rule.
/// <para>
/// One node for all gradients, so one all-reduce a step (over the 2.7 MB of the MLP's gradients) rather than one a
/// gradient: the per-call latency is paid once. New outputs rather than the gradients overwritten in place: the
/// memory planner gives them slots and reuses the gradients' once the AllReduce has read them, and no
/// write-after-read edge is needed against other readers of a gradient. The bound
/// <see cref="Parallel.IGradientReducer"/> reads each gradient and writes its mean to the output: no extra copy.
/// </para>
/// </summary>
internal sealed class AllReduceOp : OpDefinition
{
    public override OpKind Kind => OpKind.AllReduce;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count == 0) throw Mismatch(op, inputs, "an all-reduce needs at least one gradient");
        for (int i = 0; i < inputs.Count; i++) ExpectFloat(op, inputs, i);
        if (op.Attributes is not AllReduceAttributes { WorldSize: >= 2 })
            throw Mismatch(op, inputs, "an all-reduce needs a world size of at least 2");
        return [.. inputs];
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
        var gradients = inputs.Select((input, i) => new Parallel.GradientBuffer(input, outputs[i], inputTypes[i].ElementCount)).ToArray();
        return new BoundKernel("all-reduce", () => reducer.AllReduceMean(gradients));
    }
}
