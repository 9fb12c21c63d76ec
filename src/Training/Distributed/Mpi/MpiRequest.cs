using System.Buffers;

namespace Trainer.Training.Distributed.Mpi;

/// <summary>A pending <c>MPI_Iallreduce</c>: its <c>MPI_Request</c> and the pin that keeps its buffer in place until it completes.</summary>
internal sealed class MpiRequest(OpenMpiLibrary mpi, IntPtr request, MemoryHandle pin) : ICommunicatorRequest
{
    private IntPtr _request = request;
    private MemoryHandle _pin = pin;
    private bool _completed;

    public bool Test()
    {
        if (!_completed && mpi.Test(ref _request)) Complete();
        return _completed;
    }

    public void Wait()
    {
        if (_completed) return;
        mpi.Wait(ref _request);
        Complete();
    }

    /// <summary>Waits for the operation: MPI may still be writing into the pinned buffer.</summary>
    public void Dispose() => Wait();

    private void Complete()
    {
        _completed = true;
        _pin.Dispose();
    }
}
