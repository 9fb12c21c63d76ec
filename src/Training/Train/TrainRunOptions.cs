namespace Trainer.Training.Train;

/// <summary>
/// How <see cref="Model.Train(int, Data.PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/> runs
/// beyond its epochs and data: a validation set evaluated after every epoch (MindSpore's <c>model.fit</c>), and
/// where a resumed run starts.
/// </summary>
public sealed record TrainRunOptions
{
    /// <summary>Evaluated after every epoch (<see cref="RunContext.EvalResult"/>); null for none.</summary>
    public Data.PrefetchingBatchLoader? Validation { get; init; }

    /// <summary>Epochs already trained (MindSpore's <c>initial_epoch</c>): training starts at this 0-based epoch.</summary>
    public int InitialEpoch { get; init; }

    /// <summary>Batches of <see cref="InitialEpoch"/> already trained: a resumed run skips them.</summary>
    public int InitialBatch { get; init; }

    /// <summary>Steps taken before this run (what <see cref="RunContext.Step"/> counts from).</summary>
    public long InitialStep { get; init; }
}
