namespace Trainer.Training.Nn;

/// <summary>max(x, 0) elementwise.</summary>
public sealed class ReLU : Cell
{
    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.Relu(x);
}
