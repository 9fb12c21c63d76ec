using Trainer.Training.Loops;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// A training run as one safetensors file: the model's parameters under their dotted names
/// (<c>dense_relu_sequential.0.weight</c>, [out, in] row-major float32, as MindSpore and PyTorch
/// lay them out), the optimizer's state under <see cref="OptimizerPrefix"/> (e.g.
/// <c>optimizer.moments.fc1.weight</c>), and the run's settings and progress as metadata
/// (<see cref="CheckpointInfo"/>).
/// </summary>
public static class TrainingCheckpoint
{
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Writes the current values of <paramref name="steps"/>' model and optimizer state (placed on a
    /// session) atomically and durably to each of <paramref name="paths"/>, read from the device once.
    /// Refuses non-finite values with <see cref="TrainingDivergedException"/>, so a saved checkpoint is
    /// always one to go back to.
    /// </summary>
    public static void Save(QuickstartSteps steps, CheckpointInfo info, params string[] paths)
    {
        var tensors = new List<NamedTensor>();
        foreach (var p in steps.Model.TrainableParams())
            tensors.Add(new NamedTensor(p.Name, p.Shape, p.ToFloatArray()));
        foreach (var s in steps.Optimizer.State)
            tensors.Add(new NamedTensor(OptimizerPrefix + s.Name, s.Shape, s.ToFloatArray()));
        foreach (var t in tensors)
            if (Array.Exists(t.Data, v => !float.IsFinite(v)))
                throw TrainingDivergedException.Weights(info.Batch == 0 ? info.Epoch : info.Epoch + 1, info.Step, t.Name);
        var metadata = info.ToMetadata();
        foreach (string path in paths)
            SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Checks that <paramref name="file"/> holds exactly the tensors <paramref name="steps"/> needs,
    /// with the right dtype and shape: the model's parameters and, when <paramref name="withOptimizer"/>,
    /// the optimizer's state (otherwise optimizer tensors are allowed and ignored), every value of them finite. Needs no device.
    /// </summary>
    public static void Check(SafeTensorsFile file, QuickstartSteps steps, bool withOptimizer)
    {
        var expected = steps.Model.TrainableParams().Select(p => (p.Name, p.Shape)).ToList();
        if (withOptimizer) expected.AddRange(steps.Optimizer.State.Select(s => (OptimizerPrefix + s.Name, s.Shape)));
        file.ExpectTensors(expected, withOptimizer ? null : OptimizerPrefix);
        FiniteTensors.Check(file, expected);
    }

    /// <summary>Copies the checkpoint's values into the placed model (and optimizer state) of <paramref name="steps"/>.</summary>
    public static void Load(SafeTensorsFile file, Session session, QuickstartSteps steps, bool withOptimizer)
    {
        Check(file, steps, withOptimizer);
        foreach (var p in steps.Model.TrainableParams())
            session.Assign(p, file.ReadFloat32(p.Name, p.Shape));
        if (!withOptimizer) return;
        foreach (var s in steps.Optimizer.State)
            session.Assign(s, file.ReadFloat32(OptimizerPrefix + s.Name, s.Shape));
    }
}
