using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Training;

/// <summary>
/// A named float32 tensor that persists between steps: its initial value is made on the host and
/// it lives in a device block once its network is placed on a session. A trainable weight by
/// default; with <c>requiresGrad: false</c> it is a non-trainable buffer (MindSpore's
/// <c>Parameter(requires_grad=False)</c>, PyTorch's registered buffer) such as a running statistic,
/// which ops write in place with <see cref="Ops.Assign"/>.
/// </summary>
public sealed class Parameter : Tensor
{
    internal Parameter(string name, TensorType type, float[] initialValue, bool requiresGrad = true)
        : base(type)
    {
        if (initialValue.Length != type.ElementCount)
            throw new ArgumentException($"parameter '{name}' is {Training.Shape.Wrap(type.Shape)} but its initial value has {initialValue.Length} elements");
        Name = name;
        InitialValue = initialValue;
        RequiresGrad = requiresGrad;
    }

    /// <summary>A float32 parameter of <paramref name="shape"/> starting from <paramref name="initialValue"/> (row-major, not copied).</summary>
    /// <param name="name">Its name; a cell that registers it renames it to its full dotted path.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="initialValue">The value it is placed with; its length must be the shape's element count.</param>
    /// <param name="requiresGrad">False for a non-trainable buffer, which no optimizer updates and no gradient reaches.</param>
    /// <exception cref="ArgumentException">The initial value's length differs from the shape's element count.</exception>
    public Parameter(string name, Shape shape, float[] initialValue, bool requiresGrad = true)
        : this(name, new TensorType(shape.ToArray(), DType.Float32), initialValue, requiresGrad)
    {
    }

    /// <summary>Whether the parameter is trained (true) or is a buffer that only ops in the step write (false).</summary>
    public bool RequiresGrad { get; }

    /// <summary>The full name, e.g. <c>dense_relu_sequential.0.weight</c>; set when the owning cell is registered.</summary>
    public string Name { get; internal set; }

    internal float[] InitialValue { get; }

    internal void Place(DeviceBuffer buffer, Execution.EagerExecutor owner)
    {
        Buffer = buffer;
        Eager = owner;
    }

    /// <summary>The name and type, e.g. <c>Parameter(fc1.weight, [120,400] float32)</c>.</summary>
    public override string ToString() => $"Parameter({Name}, {Type})";
}
