using System.Globalization;
using System.Runtime.InteropServices;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Training.Optim;

/// <summary>
/// An optimizer's hyperparameters (learning rate, momentum, betas, epsilon, weight decay) as one
/// small float32 tensor that its update kernels read from device memory when they run, so changing
/// one between steps (a learning-rate schedule) changes no graph, no launch plan and no kernel
/// argument. The host holds the values; they reach the device without a synchronising copy of their own:
/// <list type="bullet">
/// <item>in graph mode the block is an input of the compiled step (the printed IR shows it as
/// <c>Input[sgd.hyperparameters(lr)]</c>), and its values go up packed beside the batch in the
/// step's one staging upload;</item>
/// <item>in eager mode the block has its own device memory, written only when a value changed
/// since the last eager update read it.</item>
/// </list>
/// The layout (which float is which) is <see cref="Kernels.Ops.HyperparameterLayout"/>'s.
/// </summary>
public sealed class HyperparameterBlock : Tensor
{
    private readonly float[] values;
    private readonly string[] fields;
    private bool stale = true;

    internal HyperparameterBlock(string optimizer, string[] fields, float[] values)
        : base(TensorType.Float(values.Length))
    {
        if (fields.Length != values.Length) throw new ArgumentException("one field name per value");
        this.values = values;
        this.fields = fields;
        Name = $"{optimizer}.hyperparameters({string.Join(",", fields)})";
    }

    /// <summary>The name its input carries in a traced step, e.g. <c>momentum.hyperparameters(lr,momentum,weight_decay)</c>.</summary>
    public string Name { get; }

    /// <summary>The value at <paramref name="index"/> as the next step will read it.</summary>
    public float this[int index] => values[index];

    /// <summary>How many floats the block holds.</summary>
    public int Count => values.Length;

    /// <summary>Sets one value; it takes effect at the next update, eager or compiled. The optimizers check the value first.</summary>
    internal void Set(int index, float value)
    {
        if (values[index].Equals(value)) return;
        values[index] = value;
        stale = true;
    }

    /// <summary>The values as bytes, for packing into a compiled step's staging buffer.</summary>
    internal ReadOnlySpan<byte> AsBytes() => MemoryMarshal.AsBytes(values.AsSpan());

    /// <summary>
    /// Makes the eager copy current before an eager update reads it: device memory from
    /// <paramref name="eager"/>'s backend on first use (freed with the executor), then one upload
    /// whenever a value changed since the last.
    /// </summary>
    internal void Refresh(Execution.EagerExecutor eager)
    {
        if (Eager is null)
        {
            Buffer = eager.Own(Type.ByteCount);
            Eager = eager;
            stale = true;
        }
        else if (Eager != eager)
        {
            throw new InvalidOperationException($"{Name} is already used on another session; make one optimizer per session");
        }
        if (!stale) return;
        eager.Backend.Upload<float>(Buffer!, values);
        stale = false;
    }

    /// <summary>Writes the values into a compiled step's input of this block, for steps fed without the staging upload.</summary>
    internal void UploadTo(IKernelBackend backend, DeviceBuffer input) => backend.Upload<float>(input, values);

    /// <summary>The block as a log shows it: its name and its current values, e.g. <c>sgd.hyperparameters(lr) = [0.01]</c>.</summary>
    public override string ToString() =>
        Name + " = [" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
