namespace Trainer.Training.Checkpoints;

/// <summary>
/// How a weights file is matched to a model: <see cref="Rename"/> maps the file's names first (see
/// <see cref="TensorNameMap"/>); with <see cref="Strict"/>, a tensor the model does not use is an error instead of
/// being reported and ignored.
/// </summary>
public sealed record WeightLoadOptions
{
    /// <summary>Names as they are, tensors the model does not use reported and ignored.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>How the file's tensor names map to the model's (identity by default).</summary>
    public TensorNameMap Rename { get; init; } = TensorNameMap.Identity;

    /// <summary>Whether a tensor the model does not use is an error rather than reported and ignored.</summary>
    public bool Strict { get; init; }
}
