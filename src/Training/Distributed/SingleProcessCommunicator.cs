namespace Trainer.Training.Distributed;

/// <summary>
/// The group of one process: rank 0 of 1. The sum over one rank is the data itself, so
/// <see cref="AllReduceSum"/> leaves it untouched and the barrier returns at once. Training code written against
/// <see cref="ICommunicator"/> runs unchanged, and bit for bit as before, without MPI.
/// </summary>
internal sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The one instance; it holds no resources, so there is nothing to share or release.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    private SingleProcessCommunicator() { }

    public int Rank => 0;

    public int Size => 1;

    /// <summary>Does nothing: a sum over one rank is the value itself.</summary>
    public void AllReduceSum(Span<float> data) { }

    /// <summary>Returns a request that has already completed; the data is untouched.</summary>
    public ICommunicatorRequest BeginAllReduceSum(Memory<float> data) => CompletedRequest.Instance;

    public void Barrier() { }

    /// <summary>Does nothing: there is no other rank to end.</summary>
    public void Abort(int exitCode) { }

    public void Dispose() { }

    private sealed class CompletedRequest : ICommunicatorRequest
    {
        public static readonly CompletedRequest Instance = new();

        public bool Test() => true;

        public void Wait() { }

        public void Dispose() { }
    }
}
