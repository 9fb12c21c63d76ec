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
        Storage = this;
    }

    internal Tensor(TensorType type, Value value, Tracer tracer)
    {
        Type = type;
        Value = value;
        Tracer = tracer;
        Storage = this;
    }

    private protected Tensor(TensorType type)
    {
        Type = type;
        Storage = this;
    }

    /// <summary>The IR's view of the tensor's type; internal, since the public surface speaks <see cref="Training.Shape"/> and <see cref="Training.ElementType"/>.</summary>
    internal TensorType Type { get; }

    /// <summary>The dimensions, outermost first, e.g. <c>(64, 1, 28, 28)</c>.</summary>
    public Shape Shape => Training.Shape.Wrap(Type.Shape);

    /// <summary>The element type.</summary>
    public ElementType ElementType => ElementTypes.FromDevice(Type.DType);

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => Type.Rank;

    /// <summary>Number of elements: the product of the shape's dimensions.</summary>
    public long ElementCount => Type.ElementCount;

    /// <summary>The device layer's element type.</summary>
    internal DType DType => Type.DType;

    internal DeviceBuffer? Buffer { get; private protected set; }

    /// <summary>The tensor that owns the memory this one reads: itself, or for an eager view (Reshape, Depend) the viewed tensor's storage.</summary>
    internal Tensor Storage { get; private init; }

    /// <summary>Whether this tensor's memory went back to the pool when its scope or step ended.</summary>
    internal bool Freed { get; private set; }

    /// <summary>Returns the memory to <paramref name="pool"/>; any later use of the tensor is an error naming why.</summary>
    internal void Free(EagerMemoryPool pool)
    {
        if (Freed || Buffer is null) return;
        pool.Return(Buffer);
        Freed = true;
    }

    /// <summary>An eager view of <paramref name="storage"/>'s memory with another type (Reshape, Depend): no copy, and it lives as long as the storage.</summary>
    internal static Tensor View(TensorType type, Tensor storage, EagerExecutor owner) =>
        new(type, storage.DeviceMemory, owner) { Storage = storage.Storage };
    internal EagerExecutor? Eager { get; private protected set; }
    /// <summary>While tracing: the node output this tensor stands for (output 0 of most ops).</summary>
    internal Value Value { get; }

    internal Node? Node => Value.Node;
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
            if (Storage.Freed) throw UseAfterFree();
            return Buffer ?? throw new InvalidOperationException("tensor has no device memory: place the model on a session first");
        }
    }

    private InvalidOperationException UseAfterFree() =>
        new($"this {Shape} {ElementType.Name()} tensor was freed when the scope or step that made it ended " +
            "(session.Scope(), an eager step's next call, or session.EndStep()); keep it with scope.Keep(tensor), or copy it to the host before then");

    private GraphCompileException DataDependent(string what) =>
        new($"data-dependent control flow: the {what} of %{Node!.Id} {Node.Op} {Type} was read on the host while " +
            "tracing; graph mode compiles the step once and cannot branch on tensor values (use --mode eager)");

    /// <summary>Copies the float32 value to the host, row-major. Only eager tensors have a value.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not float32, is traced, or was freed.</exception>
    public float[] ToFloatArray() => ToArray<float>();

    /// <summary>Copies the int32 value to the host, row-major.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not int32, is traced, or was freed.</exception>
    public int[] ToInt32Array() => ToArray<int>();

    /// <summary>
    /// Copies the value to the host, row-major, as <typeparamref name="T"/>: <see cref="float"/> for
    /// float32, <see cref="int"/> for int32, <see cref="byte"/> for uint8 (MindSpore's <c>asnumpy()</c>).
    /// No conversion is made: asking for another type is an error naming both.
    /// </summary>
    /// <exception cref="InvalidOperationException">The element type is not <typeparamref name="T"/>, the tensor is traced, or it was freed.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (Tracer is not null) throw DataDependent("value");
        var wanted = ElementTypeOf<T>();
        if (wanted != DType) throw new InvalidOperationException($"ToArray<{typeof(T).Name}>: the tensor is {Shape} {ElementType.Name()}, not {DTypeInfo.Name(wanted)}");
        var memory = DeviceMemory;
        var data = new T[Type.ElementCount];
        Eager!.Backend.Download<T>(memory, data);
        return data;
    }

    /// <summary>The single element of a one-element float32 tensor, like MindSpore's <c>asnumpy()</c> on a scalar.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element, is not float32, is traced, or was freed.</exception>
    public float Item() => Item<float>();

    /// <summary>The single element of a one-element tensor as <typeparamref name="T"/> (see <see cref="ToArray{T}"/>).</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element, another element type, is traced, or was freed.</exception>
    public T Item<T>() where T : unmanaged
    {
        if (Type.ElementCount != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {Shape}");
        return ToArray<T>()[0];
    }

    private static DType ElementTypeOf<T>() =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(byte) ? DType.UInt8
        : throw new NotSupportedException($"tensors hold float, int or byte elements, not {typeof(T).Name}");

    /// <summary><c>Tensor((64, 10) float32)</c>, or while tracing the node it stands for and its type.</summary>
    public override string ToString() => IsTraced ? $"Tensor({Value}, {Type})" : $"Tensor({Type})";
}
