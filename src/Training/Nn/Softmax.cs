using System.Globalization;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.Softmax(axis=-1)</c>: exp(x − max) / Σ exp(x − max) along <see cref="Axis"/>, the maximum
/// subtracted first so large logits do not overflow (<see cref="Ops.Softmax"/>). Turns a classifier's logits into
/// probabilities at the end of a network used for inference; for training, give the logits to
/// <see cref="CrossEntropyLoss"/>, which is exact where a softmax followed by a log is not.
/// </summary>
public sealed class Softmax : Cell
{
    /// <summary>Creates the cell for <paramref name="axis"/> (−1, the default: the last axis; −2 the one before...).</summary>
    public Softmax(int axis = -1)
    {
        Axis = axis;
    }

    /// <summary>The axis normalised over; negative counts from the last.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.Softmax(x, Axis);

    /// <inheritdoc/>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture, $"axis={Axis}");
}
