namespace Trainer.Training.Loops;

/// <summary>What watches a training loop from outside: progress display, metrics, periodic checkpoints.</summary>
public interface ITrainObserver
{
    /// <summary>
    /// Called after every step of epoch <paramref name="epoch"/> (0-based) with its batch index and
    /// sample count, and the loss when the loop read it from the device this step (null otherwise:
    /// reading waits for the device, so the loop reads only when it has to).
    /// </summary>
    void AfterStep(int epoch, int batch, int samples, float? loss);
}
