using Trainer.Training.Train;

namespace Trainer.Training.Tests.Train;

/// <summary>A user's callback that writes down every event it sees (and, when asked, every step's loss).</summary>
internal sealed class RecordingCallback(bool readLoss = false) : Callback
{
    public List<string> Events { get; } = [];
    public List<float> Losses { get; } = [];

    public override void OnTrainBegin(RunContext c) => Events.Add($"train_begin step {c.Step}");
    public override void OnEpochBegin(RunContext c) => Events.Add($"epoch_begin {c.Epoch} from {c.FirstBatch}");
    public override void OnStepBegin(RunContext c) => Events.Add($"step_begin {c.Epoch}.{c.Batch} step {c.Step}");

    public override void OnStepEnd(RunContext c)
    {
        if (readLoss) Losses.Add(c.Loss);
        Events.Add($"step_end {c.Epoch}.{c.Batch} rows {c.StepRows}");
    }

    public override void OnEvalBegin(RunContext c) => Events.Add($"eval_begin {c.Epoch} rows {c.EpochRows}");
    public override void OnEvalEnd(RunContext c) => Events.Add($"eval_end {c.Epoch} total {c.EvalResult!.Total}");
    public override void OnEpochEnd(RunContext c) => Events.Add($"epoch_end {c.Epoch} step {c.Step}");
    public override void OnTrainEnd(RunContext c) => Events.Add($"train_end step {c.Step}");
}
