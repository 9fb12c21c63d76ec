namespace Trainer.Training.Nn;

/// <summary>MindSpore's <c>nn.Identity</c>: returns its input, adding no op to a step (a placeholder where a layer is optional).</summary>
public sealed class Identity : Cell
{
    /// <inheritdoc/>
    public override Tensor Construct(Tensor x) => x;
}
