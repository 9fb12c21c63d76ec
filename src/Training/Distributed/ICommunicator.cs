namespace Trainer.Training.Distributed;

/// <summary>
/// The collective operations data-parallel training needs from a group of processes, independent of the
/// transport: every process (rank) holds the same model, computes gradients on its own share of a batch, and
/// sums them with every other rank before the optimizer step. <see cref="SingleProcessCommunicator"/> is the
/// group of one; <see cref="Mpi.MpiCommunicator"/> runs over Open MPI.
/// </summary>
/// <remarks>
/// Collectives must be called by every rank in the same order with the same lengths, or the group deadlocks
/// (or, with MPI, fails with an error). Calls come from the thread that opened the communicator.
/// </remarks>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's index in the group, 0 to <see cref="Size"/> - 1.</summary>
    int Rank { get; }

    /// <summary>How many processes the group holds; at least 1.</summary>
    int Size { get; }

    /// <summary>
    /// Replaces every element of <paramref name="data"/> with the sum of that element over all ranks, in place.
    /// Every rank passes the same length. The order in which ranks' values are added is the transport's and may
    /// differ between runs of different sizes, but every rank receives the same bits.
    /// </summary>
    void AllReduceSum(Span<float> data);

    /// <summary>
    /// Starts <see cref="AllReduceSum"/> on <paramref name="data"/> without waiting for it, so the caller can keep
    /// computing; the result is in <paramref name="data"/> once the returned request has completed. The memory stays
    /// pinned, and must not be read or written, until then.
    /// </summary>
    ICommunicatorRequest BeginAllReduceSum(Memory<float> data);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every rank of the group with <paramref name="exitCode"/> after this one failed, so none waits for it in a
    /// collective; does not return where there are other ranks to end. A group of one has none and returns.
    /// </summary>
    void Abort(int exitCode);
}
