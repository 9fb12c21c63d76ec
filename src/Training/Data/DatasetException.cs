namespace Trainer.Training.Data;

/// <summary>
/// Any error of the host data pipeline: unreadable or malformed data files, a bad data-set
/// configuration (usage, batch size, column name) or a transform applied to a tensor it cannot handle.
/// The message is a single line that names the file, stage or transform at fault and states what was
/// expected and what was found, so a command-line tool can print it as-is.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception with a one-line <paramref name="message"/>.</summary>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line <paramref name="message"/> and the low-level error behind it.</summary>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
