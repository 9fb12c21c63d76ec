using Trainer.Graph.Parallel;
using Trainer.Kernels.Device;

namespace Trainer.Training.Distributed;

/// <summary>
/// One process's place in data-parallel training: its rank, the communicator it sums over, and the share of the
/// current global batch it trained on. Gradients and losses are means over the global batch: each rank's mean over
/// its own rows is weighted by its share (<see cref="BatchShard.Weight"/>) and the weighted values are summed over
/// ranks, which is exact for shards of unequal size (a short last batch) and for a rank with no rows at all.
/// </summary>
/// <remarks>
/// <see cref="Single"/> is the group of one, used when no MPI job is running: its collectives do nothing, so a
/// single-process run is unchanged bit for bit. Collectives must be made by every rank in the same order, from the
/// thread that opened the communicator; the training loop makes them at the same steps on every rank.
/// </remarks>
public sealed class DataParallelGroup : IDisposable
{
    private readonly ICommunicator communicator;
    private readonly float[] scalars = new float[3];
    private CollectiveWatchdog? watchdog;

    /// <summary>A group over <paramref name="communicator"/>'s processes.</summary>
    public DataParallelGroup(ICommunicator communicator)
    {
        this.communicator = communicator;
        Weight = 1f;
    }

    /// <summary>
    /// From now on, a collective that waits longer than <paramref name="timeout"/> for the other ranks calls
    /// <paramref name="onExpired"/> (on another thread: it must end the process) instead of waiting forever. Does
    /// nothing in a group of one.
    /// </summary>
    public void WatchCollectives(TimeSpan timeout, Action<string, TimeSpan> onExpired)
    {
        if (Size == 1) return;
        watchdog?.Dispose();
        watchdog = new CollectiveWatchdog(timeout, onExpired);
    }

    private CollectiveWatchdog.Scope Watch(string collective) => watchdog?.Enter(collective) ?? default;

    /// <summary>The group of one process: no MPI, nothing reduced.</summary>
    public static DataParallelGroup Single { get; } = new(SingleProcessCommunicator.Instance);

    /// <summary>This process's index in the group, 0 to <see cref="Size"/> − 1.</summary>
    public int Rank => communicator.Rank;

    /// <summary>How many processes take part.</summary>
    public int Size => communicator.Size;

    /// <summary>Whether this process prints the log and writes metrics and checkpoints: rank 0.</summary>
    public bool IsLeader => Rank == 0;

    /// <summary>This rank's share of the batch being trained: set by <see cref="BeginBatch"/>.</summary>
    public float Weight { get; private set; }

    /// <summary>Notes this rank's share of the next global batch (its loader's <see cref="Data.PrefetchingBatchLoader.Shard"/>), which the reductions of that step weight by.</summary>
    public void BeginBatch(BatchShard shard) => Weight = shard.Weight;

    /// <summary>
    /// Leaves in <paramref name="values"/> the global-batch mean of a per-rank mean: each rank's values times its
    /// <see cref="Weight"/>, summed over ranks. With one process the values are left untouched.
    /// </summary>
    public void CombineMeans(Span<float> values)
    {
        if (Size == 1) return;
        float weight = Weight;
        for (int i = 0; i < values.Length; i++) values[i] *= weight;
        using (Watch("the all-reduce of gradients or losses")) communicator.AllReduceSum(values);
    }

    /// <summary>The global-batch mean of a loss each rank computed over its own rows (a collective).</summary>
    public float CombineLoss(float localMean)
    {
        if (Size == 1) return localMean;
        scalars[0] = localMean;
        CombineMeans(scalars.AsSpan(0, 1));
        return scalars[0];
    }

    /// <summary>Sums of a test pass over every rank's shards: the loss sum and the counts (a collective).</summary>
    public (double LossSum, long Correct, long Total) SumTest(double lossSum, long correct, long total)
    {
        if (Size == 1) return (lossSum, correct, total);
        // Counts stay exact in float up to 2^24 samples; the test sets are far smaller.
        scalars[0] = (float)lossSum;
        scalars[1] = correct;
        scalars[2] = total;
        using (Watch("the all-reduce of the test figures")) communicator.AllReduceSum(scalars);
        return (scalars[0], (long)scalars[1], (long)scalars[2]);
    }

    /// <summary>
    /// Leaves in each of <paramref name="buffers"/> (float32, placed on <paramref name="session"/>) the mean over the ranks
    /// of every rank's values, the same bits on every rank: one all-reduce for all of them (a collective), the sum divided
    /// by <see cref="Size"/>. What makes BatchNorm's running statistics (<see cref="RunningStatistics"/>), which each rank
    /// updates from its own rows, one model's again. Does nothing in a group of one.
    /// </summary>
    internal void AverageBuffers(Session session, IReadOnlyList<Parameter> buffers)
    {
        if (Size == 1 || buffers.Count == 0) return;
        var values = new float[checked((int)buffers.Sum(b => b.ElementCount))];
        int offset = 0;
        foreach (var buffer in buffers)
        {
            buffer.ToFloatArray().CopyTo(values, offset);
            offset += (int)buffer.ElementCount;
        }
        using (Watch("the all-reduce of BatchNorm's running statistics")) communicator.AllReduceSum(values);
        offset = 0;
        foreach (var buffer in buffers)
        {
            var mean = new float[buffer.ElementCount];
            for (int i = 0; i < mean.Length; i++) mean[i] = values[offset + i] / Size;
            session.Assign(buffer, mean);
            offset += mean.Length;
        }
    }

    /// <summary>The reducer a compiled step's AllReduce nodes call: download, <see cref="CombineMeans"/>, upload.</summary>
    public IGradientReducer GradientReducer(IKernelBackend backend) => new HostGradientReducer(backend, Size, CombineMeans);

    /// <summary>
    /// Ends every rank of the job (MPI_Abort) after this one failed, so none waits for it in a collective; does
    /// nothing in a group of one. Does not return for an MPI group.
    /// </summary>
    public void Abort(int exitCode) => communicator.Abort(exitCode);

    /// <summary>Stops the watchdog and releases the communicator.</summary>
    public void Dispose()
    {
        watchdog?.Dispose();
        communicator.Dispose(); // the group of one's communicator holds nothing
    }
}
