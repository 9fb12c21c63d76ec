using Trainer.Training.Loops;

namespace Trainer.Training.Tests.Loops;

/// <summary>The agreement tests' common run: a fresh session and job from the options, the first steps of epoch 0.</summary>
internal static class JobRun
{
    /// <summary>Each step's loss, then the trained parameters (model order) and the optimizer's state.</summary>
    public static (float[] Losses, float[][] Parameters, float[][] State) Train(ReferenceOptions options, int steps) =>
        Train(options, steps, () => Session.Open(options.Device));

    /// <summary>As <see cref="Train(ReferenceOptions, int)"/> on the session <paramref name="open"/> makes (a backend the catalog does not offer).</summary>
    public static (float[] Losses, float[][] Parameters, float[][] State) Train(ReferenceOptions options, int steps, Func<Session> open)
    {
        using var session = open();
        using var job = new ReferenceJob(session, options);
        var losses = new List<float>();
        foreach (var batch in job.TrainBatches.CreateTupleIterator(0).Take(steps))
        {
            var (data, label) = job.ToDevice(batch);
            losses.Add(job.TrainStep.Call(data, label)[0].Item());
            session.EndStep();
        }
        return (losses.ToArray(),
            job.Model.TrainableParams().Select(p => p.ToFloatArray()).ToArray(),
            job.Steps.Optimizer.State.Select(p => p.ToFloatArray()).ToArray());
    }
}
