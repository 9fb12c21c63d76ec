namespace Trainer.Training.Nn;

/// <summary>[N, d1, d2, …] → [N, d1·d2·…]: a reshape, so it never copies or launches.</summary>
public sealed class Flatten : Cell
{
    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => Ops.Reshape(x, x.Shape[0], -1);
}
