namespace Trainer.Kernels.Cpu;

/// <summary>
/// A launch's worth of work for the <see cref="WorkerPool"/>: tasks numbered 0..n−1, each run
/// exactly once by some worker. Kernels keep one instance per op and set its fields per launch,
/// so a launch allocates nothing.
/// </summary>
public abstract class ParallelWork
{
    /// <summary>Runs task <paramref name="task"/>; <paramref name="worker"/> (0 = the calling thread) indexes per-worker scratch.</summary>
    public abstract void Execute(int task, int worker);
}
