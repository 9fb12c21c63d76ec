namespace Trainer.Training.Train;

/// <summary>
/// Something that watches <see cref="Model.Train(int, Data.PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/>
/// from outside, as MindSpore's <c>mindspore.train.Callback</c>: the loss log, checkpoints, timing, metrics files,
/// progress, early stopping, learning-rate schedules. Every method does nothing unless overridden; each gets the
/// <see cref="RunContext"/>, which says where training is and lets a callback stop it.
/// </summary>
/// <remarks>
/// The order of one run: <see cref="OnTrainBegin"/>; for each epoch <see cref="OnEpochBegin"/>, then for each step
/// <see cref="OnStepBegin"/> and <see cref="OnStepEnd"/>; after the epoch's steps (the device synchronised),
/// <see cref="OnEvalBegin"/> and <see cref="OnEvalEnd"/> when the run evaluates, then <see cref="OnEpochEnd"/>;
/// finally <see cref="OnTrainEnd"/>. Callbacks are called in the order they were given. An exception from a
/// callback ends training and reaches the caller; <see cref="OnTrainEnd"/> is then not called.
/// </remarks>
public abstract class Callback
{
    /// <summary>Before the first epoch.</summary>
    public virtual void OnTrainBegin(RunContext context)
    {
    }

    /// <summary>Before the first step of an epoch (<see cref="RunContext.Epoch"/>).</summary>
    public virtual void OnEpochBegin(RunContext context)
    {
    }

    /// <summary>Before a step runs: the place to change a hyperparameter for it (a learning-rate schedule).</summary>
    public virtual void OnStepBegin(RunContext context)
    {
    }

    /// <summary>
    /// After a step was launched. Reading <see cref="RunContext.Loss"/> here waits for the device; a callback that
    /// does not need the value every step should read it only at the steps it logs.
    /// </summary>
    public virtual void OnStepEnd(RunContext context)
    {
    }

    /// <summary>After an epoch's steps, before the evaluation of the validation set (when there is one).</summary>
    public virtual void OnEvalBegin(RunContext context)
    {
    }

    /// <summary>After the evaluation of the validation set: <see cref="RunContext.EvalResult"/> holds its figures.</summary>
    public virtual void OnEvalEnd(RunContext context)
    {
    }

    /// <summary>At the end of an epoch, after its evaluation.</summary>
    public virtual void OnEpochEnd(RunContext context)
    {
    }

    /// <summary>After the last epoch, or the epoch in which a callback asked to stop.</summary>
    public virtual void OnTrainEnd(RunContext context)
    {
    }
}
