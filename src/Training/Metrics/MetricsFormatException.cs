namespace Trainer.Training.Metrics;

/// <summary>
/// A metrics log line that is not the documented JSON object (see <see cref="MetricsLog"/>). The
/// message is one line: file, line number, what was expected and what was found. An
/// <see cref="IOException"/> so that callers which report unreadable files report this one too.
/// </summary>
public sealed class MetricsFormatException : IOException
{
    /// <summary>A malformed metrics file, described by <paramref name="message"/>.</summary>
    public MetricsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>A malformed metrics file, described by <paramref name="message"/>, found by <paramref name="innerException"/>.</summary>
    public MetricsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
