using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>Input (a batch tensor) and Parameter (a weight): values that come from outside the graph.</summary>
internal sealed class GraphInputOp(OpKind kind) : OpDefinition
{
    public override OpKind Kind { get; } = kind;

    public override int Launches => 0;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        ExpectInputs(op, inputs, 0);
        throw Mismatch(op, inputs, "graph inputs are created with their type, not inferred");
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => [];

    /// <summary>A graph's input or parameter computes nothing.</summary>
    public override long? Flops(Op op, IReadOnlyList<TensorType> inputs) => 0;

    public override BoundKernel? Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace) => null;
}
