using Trainer.Training.Distributed;
using Trainer.Training.Loops;

namespace Trainer.Training.Train;

/// <summary>
/// Where a <see cref="Model.Train(int, Data.PrefetchingBatchLoader, IEnumerable{Callback}?, TrainRunOptions?)"/> run
/// is, as its callbacks see it (MindSpore's <c>RunContext</c> and its <c>cb_params</c>): the epoch, the batch and
/// global step, the step's loss (read from the device only when asked), the epoch's timing and evaluation, and a way
/// to stop.
/// </summary>
public sealed class RunContext
{
    private readonly DataParallelGroup group;
    private Tensor? lossTensor;
    private float? lossValue;

    internal RunContext(Model model, int epochs, int batchesPerEpoch, long step, DataParallelGroup group)
    {
        Model = model;
        Epochs = epochs;
        BatchesPerEpoch = batchesPerEpoch;
        Step = step;
        this.group = group;
    }

    /// <summary>The model being trained: its network, optimizer and session.</summary>
    public Model Model { get; }

    /// <summary>The epoch being trained, 0-based (the log's "Epoch N" is <c>Epoch + 1</c>).</summary>
    public int Epoch { get; private set; }

    /// <summary>The epochs the run trains to, in all (the <c>epochs</c> argument).</summary>
    public int Epochs { get; }

    /// <summary>The first batch this run trains in <see cref="Epoch"/>: 0, or the resumed position in the first epoch.</summary>
    public int FirstBatch { get; private set; }

    /// <summary>The batch being trained, 0-based within the epoch.</summary>
    public int Batch { get; private set; }

    /// <summary>Batches in every epoch, the short last one included.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// The global 0-based index of the step being trained, counting the steps before a resumed run; after the
    /// step it is the number of steps taken (at <see cref="Callback.OnEpochEnd"/>, the steps taken in all).
    /// </summary>
    public long Step { get; private set; }

    /// <summary>Rows in the current step's global batch (every rank's share together).</summary>
    public int StepRows { get; private set; }

    /// <summary>Rows trained so far in this epoch (global batches).</summary>
    public long EpochRows { get; private set; }

    /// <summary>Seconds this epoch's steps took, the device synchronised at the end; set before <see cref="Callback.OnEvalBegin"/>.</summary>
    public double TrainSeconds { get; private set; }

    /// <summary>The last evaluation of the validation set: set before <see cref="Callback.OnEvalEnd"/>; null before the first.</summary>
    public EvalResult? EvalResult { get; internal set; }

    /// <summary>The step's loss on the device (valid in <see cref="Callback.OnStepEnd"/>; eager memory is reused after it).</summary>
    public Tensor LossTensor => lossTensor ?? throw new InvalidOperationException("the loss exists only in OnStepEnd");

    /// <summary>
    /// The step's loss, the mean over the global batch (combined over data-parallel ranks, which must all read it at
    /// the same steps). The first read in a step waits for the device; later reads in the same step are free. A
    /// non-finite loss ends training with <see cref="TrainingDivergedException"/> when the model says so
    /// (<see cref="ModelOptions.StopOnNonFiniteLoss"/>).
    /// </summary>
    public float Loss
    {
        get
        {
            if (lossValue is { } known) return known;
            float value = group.CombineLoss(LossTensor.Item());
            lossValue = value;
            if (Model.Options.StopOnNonFiniteLoss && !float.IsFinite(value))
                throw TrainingDivergedException.Loss(Epoch + 1, Batch, value);
            return value;
        }
    }

    /// <summary>The step's loss if a callback has read it this step (<see cref="Loss"/>), else null: reading it costs nothing.</summary>
    public float? LossIfRead => lossValue;

    /// <summary>Whether a callback has asked training to stop (<see cref="RequestStop"/>).</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Asks training to stop after the current step: the epoch ends there (its evaluation and OnEpochEnd still run), then OnTrainEnd.</summary>
    public void RequestStop() => StopRequested = true;

    internal void BeginEpoch(int epoch, int firstBatch)
    {
        Epoch = epoch;
        FirstBatch = firstBatch;
        Batch = firstBatch;
        EpochRows = 0;
        TrainSeconds = 0;
    }

    internal void BeginStep(int batch, int rows)
    {
        Batch = batch;
        StepRows = rows;
    }

    internal void StepLaunched(Tensor loss)
    {
        lossTensor = loss;
        lossValue = null;
    }

    internal void EndStep()
    {
        lossTensor = null;
        lossValue = null;
        EpochRows += StepRows;
        Step++;
    }

    internal void EndEpochSteps(double seconds) => TrainSeconds = seconds;
}
