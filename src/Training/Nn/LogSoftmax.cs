using System.Globalization;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.LogSoftmax(axis=-1)</c>: (x − max) − ln Σ exp(x − max) along <see cref="Axis"/>
/// (<see cref="Ops.LogSoftmax"/>), finite where the log of a <see cref="Softmax"/> would underflow to −∞.
/// </summary>
public sealed class LogSoftmax : Cell
{
    /// <summary>Creates the cell for <paramref name="axis"/> (−1, the default: the last axis).</summary>
    public LogSoftmax(int axis = -1)
    {
        Axis = axis;
    }

    /// <summary>The axis normalised over; negative counts from the last.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.LogSoftmax(x, Axis);

    /// <inheritdoc/>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture, $"axis={Axis}");
}
