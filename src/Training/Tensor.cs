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

    internal Tensor(TensorType type, Node node, Tracer tracer)
    {
        Type = type;
        Node = node;
        Tracer = tracer;
    }

    private protected Tensor(TensorType type) => Type = type;

    /// <summary>Shape and element type.</summary>
    public TensorType Type { get; }
    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape => Type.Shape;
    /// <summary>The element type.</summary>
    public DType DType => Type.DType;

    internal DeviceBuffer? Buffer { get; private protected set; }
    internal EagerExecutor? Eager { get; private protected set; }
    internal Node? Node { get; }
    internal Tracer? Tracer { get; }

    /// <summary>Whether this is a symbolic value of a step being traced for compilation (it has no data).</summary>
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

    /// <summary>The values as int32 (copied from the device); for int32 tensors such as a correct count.</summary>
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

    /// <c>Tensor([shape] dtype)</c>, with the node id when traced.
    public override string ToString() => IsTraced ? $"Tensor(%{Node!.Id}, {Type})" : $"Tensor({Type})";
}
