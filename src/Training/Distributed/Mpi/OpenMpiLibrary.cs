using System.Runtime.InteropServices;

namespace Trainer.Training.Distributed.Mpi;

/// <summary>
/// The handful of MPI calls <see cref="MpiCommunicator"/> makes, bound at run time to Open MPI's <c>libmpi.so.40</c>.
/// </summary>
/// <remarks>
/// This binding is Open MPI's ABI, not MPI's: the standard fixes names, not representations. In Open MPI the
/// handles <c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c> and <c>MPI_ERRORS_RETURN</c> are addresses of the
/// exported globals <c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>, <c>ompi_mpi_op_sum</c> and
/// <c>ompi_mpi_errors_return</c>; <c>MPI_Request</c> is a pointer; <c>MPI_IN_PLACE</c> is <c>(void*)1</c> and
/// <c>MPI_STATUS_IGNORE</c> is null. MPICH (and Intel MPI, MVAPICH) make handles <c>int</c> constants compiled into
/// the caller, so a <c>libmpi</c> without those exports is refused with an error rather than called with handles it
/// would misread. The library is opened only by <see cref="Load()"/>, never by merely referencing this type.
/// </remarks>
internal sealed unsafe class OpenMpiLibrary
{
    /// <summary>The sonames tried in order: Open MPI 3 to 5 all ship <c>libmpi.so.40</c>; the bare name needs the -dev package.</summary>
    public static readonly string[] DefaultNames = ["libmpi.so.40", "libmpi.so"];

    public const string InstallHint = "apt-get install openmpi-bin libopenmpi-dev";

    public const int ThreadFunneled = 1;
    private const int MaxErrorString = 256; // MPI_MAX_ERROR_STRING in Open MPI
    public static readonly IntPtr InPlace = 1;

    public IntPtr CommWorld { get; }
    public IntPtr Float { get; }
    public IntPtr OpSum { get; }
    public IntPtr ErrorsReturn { get; }

    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commRank;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commSize;
    private readonly delegate* unmanaged<IntPtr, IntPtr, int> _commSetErrhandler;
    private readonly delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int> _allreduce;
    private readonly delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> _iallreduce;
    private readonly delegate* unmanaged<IntPtr*, void*, int> _wait;
    private readonly delegate* unmanaged<IntPtr*, int*, void*, int> _test;
    private readonly delegate* unmanaged<IntPtr, int> _barrier;
    private readonly delegate* unmanaged<IntPtr, int, int> _abort;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;

    private static OpenMpiLibrary? _loaded;
    private static readonly Lock LoadLock = new();

    /// <summary>True once <see cref="Load()"/> has opened libmpi in this process; tests use it to prove a plain run loads nothing.</summary>
    public static bool IsLoaded => _loaded is not null;

    /// <summary>Opens Open MPI's libmpi (once per process) and resolves every handle and call, or throws a one-line <see cref="MpiException"/> saying what is missing.</summary>
    public static OpenMpiLibrary Load() => Load(DefaultNames);

    /// <summary>As <see cref="Load()"/>, trying <paramref name="names"/>; tests pass names that do not exist, or a library that is not MPI.</summary>
    public static OpenMpiLibrary Load(IReadOnlyList<string> names)
    {
        lock (LoadLock)
        {
            if (_loaded is not null) return _loaded;
            foreach (var name in names)
            {
                if (!NativeLibrary.TryLoad(name, out var handle)) continue;
                var library = new OpenMpiLibrary(name, handle);
                if (ReferenceEquals(names, DefaultNames)) _loaded = library;
                return library;
            }
            throw new MpiException($"MPI was requested but Open MPI's libmpi could not be loaded (tried {string.Join(", ", names)}); install it with `{InstallHint}`");
        }
    }

    private OpenMpiLibrary(string path, IntPtr handle)
    {
        if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out var commWorld))
        {
            NativeLibrary.Free(handle);
            throw new MpiException($"{path} is not Open MPI's libmpi (it exports no ompi_mpi_comm_world); this binding follows Open MPI's ABI, where handles are pointers, and cannot drive MPICH-style int handles; install Open MPI with `{InstallHint}`");
        }
        CommWorld = commWorld;
        Float = Export(handle, "ompi_mpi_float");
        OpSum = Export(handle, "ompi_mpi_op_sum");
        ErrorsReturn = Export(handle, "ompi_mpi_errors_return");
        _initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(handle, "MPI_Init_thread");
        _commRank = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_size");
        _commSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Export(handle, "MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, int>)Export(handle, "MPI_Allreduce");
        _iallreduce = (delegate* unmanaged<IntPtr, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Export(handle, "MPI_Iallreduce");
        _wait = (delegate* unmanaged<IntPtr*, void*, int>)Export(handle, "MPI_Wait");
        _test = (delegate* unmanaged<IntPtr*, int*, void*, int>)Export(handle, "MPI_Test");
        _barrier = (delegate* unmanaged<IntPtr, int>)Export(handle, "MPI_Barrier");
        _abort = (delegate* unmanaged<IntPtr, int, int>)Export(handle, "MPI_Abort");
        _finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");

        IntPtr Export(IntPtr library, string name) =>
            NativeLibrary.TryGetExport(library, name, out var address)
                ? address
                : throw new MpiException($"{path} exports no {name}; this binding needs Open MPI 3 or later (`{InstallHint}`)");
    }

    public bool Initialized()
    {
        int flag;
        Check("MPI_Initialized", _initialized(&flag));
        return flag != 0;
    }

    public bool Finalized()
    {
        int flag;
        Check("MPI_Finalized", _finalized(&flag));
        return flag != 0;
    }

    /// <summary>MPI_Init_thread with no argc/argv (allowed since MPI-2); returns the thread level MPI provides.</summary>
    public int InitThread(int required)
    {
        int provided;
        Check("MPI_Init_thread", _initThread(null, null, required, &provided));
        return provided;
    }

    public int CommRank(IntPtr comm)
    {
        int rank;
        Check("MPI_Comm_rank", _commRank(comm, &rank));
        return rank;
    }

    public int CommSize(IntPtr comm)
    {
        int size;
        Check("MPI_Comm_size", _commSize(comm, &size));
        return size;
    }

    public void CommSetErrhandler(IntPtr comm, IntPtr handler) => Check("MPI_Comm_set_errhandler", _commSetErrhandler(comm, handler));

    public void AllreduceInPlaceFloatSum(float* data, int count, IntPtr comm) =>
        Check("MPI_Allreduce", _allreduce(InPlace, data, count, Float, OpSum, comm));

    public IntPtr IallreduceInPlaceFloatSum(float* data, int count, IntPtr comm)
    {
        IntPtr request;
        Check("MPI_Iallreduce", _iallreduce(InPlace, data, count, Float, OpSum, comm, &request));
        return request;
    }

    /// <summary>MPI_Wait with MPI_STATUS_IGNORE; MPI sets the request to MPI_REQUEST_NULL.</summary>
    public void Wait(ref IntPtr request)
    {
        fixed (IntPtr* r = &request) Check("MPI_Wait", _wait(r, null));
    }

    /// <summary>MPI_Test with MPI_STATUS_IGNORE; true once the request has completed.</summary>
    public bool Test(ref IntPtr request)
    {
        int flag;
        fixed (IntPtr* r = &request) Check("MPI_Test", _test(r, &flag, null));
        return flag != 0;
    }

    public void Barrier(IntPtr comm) => Check("MPI_Barrier", _barrier(comm));

    /// <summary>MPI_Abort: asks mpirun to end every rank with <paramref name="errorCode"/>. Normally does not return.</summary>
    public void Abort(IntPtr comm, int errorCode) => Check("MPI_Abort", _abort(comm, errorCode));

    public void FinalizeMpi() => Check("MPI_Finalize", _finalize());

    /// <summary>MPI's text for an error code, or a placeholder when MPI_Error_string itself fails.</summary>
    public string ErrorString(int code)
    {
        var buffer = stackalloc byte[MaxErrorString + 1];
        int length;
        if (_errorString(code, buffer, &length) != 0) return "(MPI_Error_string could not describe this code)";
        return System.Text.Encoding.UTF8.GetString(buffer, Math.Clamp(length, 0, MaxErrorString));
    }

    private void Check(string call, int code)
    {
        if (code != 0) throw new MpiException(call, code, ErrorString(code));
    }
}
