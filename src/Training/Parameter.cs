using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Training;

/// <summary>
/// A trainable weight: a named float32 tensor whose initial value is made on the host and which
/// lives in its network's parameter block once the network is placed on a device.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>A parameter named <paramref name="name"/> of <paramref name="type"/>, holding <paramref name="initialValue"/> until it is placed on a device.</summary>
    public Parameter(string name, TensorType type, float[] initialValue)
        : base(type)
    {
        if (initialValue.Length != type.ElementCount)
            throw new ArgumentException($"parameter '{name}' is {type} but its initial value has {initialValue.Length} elements");
        Name = name;
        InitialValue = initialValue;
    }

    /// <summary>The full name, e.g. <c>dense_relu_sequential.0.weight</c>; set when the owning cell is registered.</summary>
    public string Name { get; internal set; }

    internal float[] InitialValue { get; }

    internal void Place(DeviceBuffer buffer, Execution.EagerExecutor owner)
    {
        Buffer = buffer;
        Eager = owner;
    }

    /// <c>Parameter(name, [shape] dtype)</c>.
    public override string ToString() => $"Parameter({Name}, {Type})";
}
