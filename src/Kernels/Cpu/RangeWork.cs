namespace Trainer.Kernels.Cpu;

/// <summary>
/// Work over a range of <see cref="Count"/> independent elements, cut into tasks of
/// <see cref="Chunk"/> elements. Each op keeps one instance and sets its fields per launch, so a
/// launch allocates nothing.
/// </summary>
internal abstract class RangeWork : ParallelWork
{
    public long Count;
    public int Chunk = CpuBackend.ElementwiseChunk;

    public int Tasks => (int)Math.Min(int.MaxValue, (Count + Chunk - 1) / Chunk);

    public sealed override void Execute(int task, int worker)
    {
        long start = (long)task * Chunk;
        Run(start, Math.Min(Count, start + Chunk));
    }

    /// <summary>Elements [start, end).</summary>
    protected abstract void Run(long start, long end);
}
