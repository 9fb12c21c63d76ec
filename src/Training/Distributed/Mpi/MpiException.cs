namespace Trainer.Training.Distributed.Mpi;

/// <summary>
/// An MPI call returned an error code, or MPI cannot be used here at all (libmpi missing, or not Open MPI's).
/// The message is one line: the call that failed, its code and MPI's own text for it, or what to install.
/// </summary>
public sealed class MpiException : Exception
{
    /// <summary>The MPI call that failed, e.g. <c>MPI_Allreduce</c>; null when MPI could not be loaded at all.</summary>
    public string? Call { get; }

    /// <summary>MPI's error code (an <c>MPI_ERR_*</c> value); 0 when MPI could not be loaded at all.</summary>
    public int ErrorCode { get; }

    /// <summary>An MPI failure described by <paramref name="message"/>.</summary>
    public MpiException(string message) : base(message) { }

    /// <summary>The failure of MPI call <paramref name="call"/> with its error code and MPI's text for it.</summary>
    public MpiException(string call, int errorCode, string errorText)
        : base($"{call} failed with MPI error {errorCode}: {OneLine(errorText)}")
    {
        Call = call;
        ErrorCode = errorCode;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
