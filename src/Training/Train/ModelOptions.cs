namespace Trainer.Training.Train;

/// <summary>How a <see cref="Model"/> runs its steps, beyond its network, loss and optimizer.</summary>
public sealed record ModelOptions
{
    /// <summary>Whether the compiler fuses ops (graph mode); false compiles one kernel per op, as eager mode launches them.</summary>
    public bool Fuse { get; init; } = true;

    /// <summary>
    /// The data-parallel processes this one trains with: each trains on its share of every global batch, gradients,
    /// read losses and evaluation sums are combined over the group. Null: this process alone.
    /// </summary>
    public Distributed.DataParallelGroup? Group { get; init; }

    /// <summary>
    /// Applied to the data input before the network, in the step (for example <see cref="Loops.Datapipe.OnDevice"/>,
    /// which normalises uint8 images on the device); null for none.
    /// </summary>
    public Func<Tensor, Tensor>? InputTransform { get; init; }

    /// <summary>Whether a loss read as NaN or infinite ends training with <see cref="Loops.TrainingDivergedException"/> (the default) rather than going on.</summary>
    public bool StopOnNonFiniteLoss { get; init; } = true;
}
