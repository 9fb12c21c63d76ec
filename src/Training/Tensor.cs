using Trainer.Graph;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Execution;

namespace Trainer.Training;

/// <summary>
/// A tensor as user code sees it. In eager mode it owns device memory holding its value; while a
/// step is being traced for graph mode it stands for a node of the graph and has no value yet.
/// The same model code runs on both.
/// </summary>
public class Tensor
{
    internal Tensor(TensorType type, DeviceBuffer buffer, EagerExecutor owner)
    {
        Type = type;
        Buffer = buffer;
        Eager = owner;
    }

    internal Tensor(TensorType type, Value value, Tracer tracer)
    {
        Type = type;
        Value = value;
        Tracer = tracer;
    }

    private protected Tensor(TensorType type) => Type = type;

    public TensorType Type { get; }
    public int[] Shape => Type.Shape;
    public DType DType => Type.DType;

    internal DeviceBuffer? Buffer { get; private protected set; }
    internal EagerExecutor? Eager { get; private protected set; }
    /// <summary>While tracing: the node output this tensor stands for (output 0 of most ops).</summary>
    internal Value Value { get; }

    internal Node? Node => Value.Node;
    internal Tracer? Tracer { get; }

    public bool IsTraced => Tracer is not null;

    internal IExecutor Executor =>
        (IExecutor?)Tracer ?? Eager ?? throw new InvalidOperationException("tensor has no device memory: place the model on a session first");

    internal DeviceBuffer DeviceMemory
    {
        get
        {
            if (Tracer is not null) throw DataDependent("device memory");
            return Buffer ?? throw new InvalidOperationException("tensor has no device memory: place the model on a session first");
        }
    }

    private GraphCompileException DataDependent(string what) =>
        new($"data-dependent control flow: the {what} of %{Node!.Id} {Node.Op} {Type} was read on the host while " +
            "tracing; graph mode compiles the step once and cannot branch on tensor values (use --mode eager)");

    /// <summary>Copies the value to the host. Only eager tensors have a value.</summary>
    public float[] ToFloatArray()
    {
        if (Tracer is not null) throw DataDependent("value");
        if (DType != DType.Float32) throw new InvalidOperationException($"tensor is {Type}, not float32");
        var data = new float[Type.ElementCount];
        Eager!.Backend.Download<float>(DeviceMemory, data);
        return data;
    }

    public int[] ToInt32Array()
    {
        if (Tracer is not null) throw DataDependent("value");
        if (DType != DType.Int32) throw new InvalidOperationException($"tensor is {Type}, not int32");
        var data = new int[Type.ElementCount];
        Eager!.Backend.Download<int>(DeviceMemory, data);
        return data;
    }

    /// <summary>The single element of a one-element float tensor, like MindSpore's asnumpy() on a scalar.</summary>
    public float Item()
    {
        if (Type.ElementCount != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, got {Type}");
        return ToFloatArray()[0];
    }

    public override string ToString() => IsTraced ? $"Tensor({Value}, {Type})" : $"Tensor({Type})";
}
