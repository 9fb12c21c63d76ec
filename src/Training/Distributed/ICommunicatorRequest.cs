namespace Trainer.Training.Distributed;

/// <summary>
/// A collective started by <see cref="ICommunicator.BeginAllReduceSum"/>. Disposing waits for it (a buffer must
/// not be released while the transport still writes into it), so a <c>using</c> never leaves one running.
/// </summary>
public interface ICommunicatorRequest : IDisposable
{
    /// <summary>True once the result is in the buffer. Polling is what lets MPI progress the operation.</summary>
    bool Test();

    /// <summary>Blocks until the result is in the buffer; returns at once if it already is.</summary>
    void Wait();
}
