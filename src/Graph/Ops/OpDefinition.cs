using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// One primitive, defined once: its type rule, its gradient rule (in terms of other ops) and how
/// it binds to a kernel. Eager execution and compiled graphs both use these definitions.
/// </summary>
public abstract class OpDefinition
{
    /// <summary>The op this definition is for.</summary>
    public abstract OpKind Kind { get; }

    /// <summary>The op's name in printed IR and error messages: its kind's, or an extension op's own (<c>Exp</c>, a custom op's).</summary>
    public virtual string Name => Kind.ToString();

    /// <summary>Output types for the given inputs; throws <see cref="OpShapeException"/> naming the op and the input types when they do not fit.</summary>
    public abstract TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs);

    /// <summary>
    /// Gradients of the inputs given the gradient of output 0; an entry is null where the input has
    /// no gradient or <paramref name="needed"/> says nobody wants it.
    /// </summary>
    public virtual T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class =>
        throw new GraphCompileException($"{op} has no gradient rule, but a gradient flows through it " +
                                        $"(inputs {string.Join(", ", inputs.Select(b.TypeOf))})");

    /// <summary>
    /// Gradients of the inputs of an op with several outputs, given one gradient per output (zeros where nothing
    /// flowed into an output). The default serves single-output ops: it calls the rule above with output 0.
    /// </summary>
    public virtual T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, IReadOnlyList<T> outputs, IReadOnlyList<T> dOutputs, IReadOnlyList<bool> needed)
        where T : class =>
        Gradient(b, op, inputs, outputs[0], dOutputs[0], needed);

    /// <summary>True when output 0 is input 0's memory seen differently (Reshape, Depend): no kernel, no buffer.</summary>
    public virtual bool IsAlias => false;

    /// <summary>Indices of the inputs this op overwrites in place (optimizer updates).</summary>
    public virtual IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => [];

    /// <summary>
    /// Floating-point operations one execution performs for these input types (a multiply-add counts
    /// two, a comparison one), as a model summary reports them; 0 for views that compute nothing, null
    /// where the op defines no count.
    /// </summary>
    public virtual long? Flops(Op op, IReadOnlyList<TensorType> inputs) => IsAlias ? 0 : null;

    /// <summary>Kernel launches one execution costs.</summary>
    public virtual int Launches => 1;

    /// <summary>
    /// Bytes of scratch memory the kernel needs while it runs on <paramref name="backend"/> (an
    /// im2col panel on the native CPU backend), 0 for none; with no backend, the most any backend
    /// needs (what `trainer graph`, which opens no device, prints). The memory planner gives it a
    /// place in the arena live for this node's step only; eager mode rents it from its pool for the
    /// launch. Kernels never allocate.
    /// </summary>
    public virtual long WorkspaceBytes(Op op, IReadOnlyList<TensorType> inputs, IKernelBackend? backend) => 0;

    /// <summary>What the workspace holds, as the schedule printout names it.</summary>
    public virtual string WorkspaceName => "workspace";

    /// <summary>
    /// Binds the op to its kernel with fixed buffers; null for ops that launch nothing.
    /// <paramref name="workspace"/> is <see cref="WorkspaceBytes"/> long, null when that is 0.
    /// </summary>
    public abstract BoundKernel? Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace);

    /// <summary>
    /// Binds with everything a compiled step offers (<see cref="BindContext"/>); what <see cref="Compilation.CompiledGraph"/>
    /// calls. Ops that need only the backend keep the default, which calls the overload above.
    /// </summary>
    public virtual BoundKernel? Bind(BindContext context, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace) =>
        Bind(context.Backend, op, inputTypes, inputs, outputs, workspace);

    /// <summary>An <see cref="OpShapeException"/> naming the op, <paramref name="what"/> is wrong, and the input types.</summary>
    protected static OpShapeException Mismatch(Op op, IReadOnlyList<TensorType> inputs, string what) =>
        new($"{op}: {what} (inputs: {string.Join(", ", inputs)})");

    /// <summary>Throws unless there are exactly <paramref name="count"/> inputs.</summary>
    protected static void ExpectInputs(Op op, IReadOnlyList<TensorType> inputs, int count)
    {
        if (inputs.Count != count)
            throw Mismatch(op, inputs, $"expected {count} inputs, got {inputs.Count}");
    }

    /// <summary>Throws unless input <paramref name="index"/> is float32.</summary>
    protected static void ExpectFloat(Op op, IReadOnlyList<TensorType> inputs, int index)
    {
        if (inputs[index].DType != DType.Float32)
            throw Mismatch(op, inputs, $"input {index} must be float32");
    }

    /// <summary>Input <paramref name="index"/> must be an optimizer's hyperparameter block: float32 [<paramref name="count"/>] (<see cref="Kernels.Ops.HyperparameterLayout"/>).</summary>
    protected static void ExpectHyperparameters(Op op, IReadOnlyList<TensorType> inputs, int index, int count)
    {
        if (inputs[index].DType != DType.Float32 || !inputs[index].Shape.AsSpan().SequenceEqual([count]))
            throw Mismatch(op, inputs, $"input {index} must be the hyperparameter block, float32 [{count}]");
    }
}
