namespace Trainer.Training.Metrics;

/// <summary>
/// A metrics log line that is not the documented JSON object (see <see cref="MetricsLog"/>). The
/// message is one line: file, line number, what was expected and what was found. An
/// <see cref="IOException"/> so that callers which report unreadable files report this one too.
/// </summary>
public sealed class MetricsFormatException : IOException
{
    public MetricsFormatException(string message)
        : base(message)
    {
    }

    public MetricsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
