namespace Trainer.Training.Distributed.Mpi;

/// <summary>
/// <see cref="ICommunicator"/> over <c>MPI_COMM_WORLD</c> of Open MPI, for processes started by
/// <c>mpirun -np N</c>. Errors come back as <see cref="MpiException"/>s naming the call (the communicator's error
/// handler is <c>MPI_ERRORS_RETURN</c>, so MPI does not abort the job on its own); <see cref="Abort"/> ends every
/// rank when one cannot go on, which keeps the others from waiting forever in a collective.
/// </summary>
/// <remarks>
/// MPI can be initialised once per process, so at most one <see cref="MpiCommunicator"/> is open at a time, and
/// after it is disposed (which finalises MPI, if this class initialised it) no other can be opened. MPI is
/// initialised with <c>MPI_THREAD_FUNNELED</c>: every call must come from the thread that opened it. See
/// <see cref="OpenMpiLibrary"/> for why this binding is Open MPI's only.
/// </remarks>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    /// <summary>The variable <c>mpirun</c> sets in every rank it starts; without it this process is not part of an MPI job.</summary>
    public const string WorldSizeVariable = "OMPI_COMM_WORLD_SIZE";

    private static readonly Lock OpenLock = new();
    private static bool _opened;

    private readonly OpenMpiLibrary _mpi;
    private readonly IntPtr _comm;
    private readonly bool _finalizeOnDispose;
    private bool _disposed;

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    private MpiCommunicator(OpenMpiLibrary mpi, bool finalizeOnDispose)
    {
        _mpi = mpi;
        _comm = mpi.CommWorld;
        _finalizeOnDispose = finalizeOnDispose;
        _mpi.CommSetErrhandler(_comm, _mpi.ErrorsReturn);
        Rank = _mpi.CommRank(_comm);
        Size = _mpi.CommSize(_comm);
    }

    /// <summary>
    /// Opens MPI when this process was started by Open MPI's <c>mpirun</c> (<see cref="WorldSizeVariable"/> is set);
    /// otherwise returns null without loading libmpi, so a plain single-process run pays nothing. Throws a one-line
    /// <see cref="MpiException"/> when started by mpirun but libmpi is missing or is not Open MPI's.
    /// </summary>
    public static MpiCommunicator? TryOpen() => TryOpen(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="TryOpen()"/>, reading the environment through <paramref name="environment"/> (for tests).</summary>
    internal static MpiCommunicator? TryOpen(Func<string, string?> environment) =>
        string.IsNullOrEmpty(environment(WorldSizeVariable)) ? null : Open();

    /// <summary>
    /// Loads libmpi, initialises MPI (unless something in this process already did) and joins <c>MPI_COMM_WORLD</c>.
    /// Run outside mpirun, Open MPI starts a job of one ("singleton"); <see cref="TryOpen()"/> avoids that.
    /// </summary>
    public static MpiCommunicator Open()
    {
        lock (OpenLock)
        {
            if (_opened) throw new InvalidOperationException("MPI has already been opened in this process; MPI can be initialised only once, so share that MpiCommunicator");
            var mpi = OpenMpiLibrary.Load();
            var initialisedHere = false;
            if (!mpi.Initialized())
            {
                if (mpi.Finalized()) throw new InvalidOperationException("MPI has already been finalised in this process and cannot be initialised again");
                var provided = mpi.InitThread(OpenMpiLibrary.ThreadFunneled);
                initialisedHere = true;
                if (provided < OpenMpiLibrary.ThreadFunneled)
                {
                    mpi.FinalizeMpi();
                    throw new MpiException($"MPI_Init_thread provided thread level {provided}, below MPI_THREAD_FUNNELED ({OpenMpiLibrary.ThreadFunneled}) that the trainer needs");
                }
            }
            var communicator = new MpiCommunicator(mpi, initialisedHere);
            _opened = true;
            return communicator;
        }
    }

    /// <summary><c>MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD)</c>. An empty span still joins the collective, as every rank must.</summary>
    public void AllReduceSum(Span<float> data)
    {
        ThrowIfDisposed();
        fixed (float* p = data) _mpi.AllreduceInPlaceFloatSum(p, data.Length, _comm);
    }

    /// <summary><c>MPI_Iallreduce</c> in place; the memory stays pinned until the request completes or is disposed.</summary>
    public ICommunicatorRequest BeginAllReduceSum(Memory<float> data)
    {
        ThrowIfDisposed();
        var pin = data.Pin();
        try
        {
            var request = _mpi.IallreduceInPlaceFloatSum((float*)pin.Pointer, data.Length, _comm);
            return new MpiRequest(_mpi, request, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ThrowIfDisposed();
        _mpi.Barrier(_comm);
    }

    /// <summary>
    /// Ends every rank of the job with <paramref name="exitCode"/> (<c>MPI_Abort</c> on <c>MPI_COMM_WORLD</c>). Use it
    /// when this rank fails and the others would otherwise wait for it in a collective forever.
    /// </summary>
    public void Abort(int exitCode)
    {
        ThrowIfDisposed();
        _mpi.Abort(_comm, exitCode);
    }

    /// <summary>Finalises MPI if this communicator initialised it. Every rank must dispose, and no request may be pending.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_finalizeOnDispose && !_mpi.Finalized()) _mpi.FinalizeMpi();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
