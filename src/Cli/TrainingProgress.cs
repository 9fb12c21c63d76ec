using Trainer.Training.Train;

namespace Trainer.Cli;

/// <summary>How `trainer train --progress` shows an epoch's progress on stderr.</summary>
public enum ProgressStyle
{
    /// <summary>A bar on a terminal, plain lines otherwise.</summary>
    Auto,
    /// <summary>One line redrawn in place: step, loss, samples/s and ETA.</summary>
    Bar,
    /// <summary>A line at every tenth of an epoch, for logs.</summary>
    Plain,
    /// <summary>Nothing.</summary>
    None,
}

/// <summary>`trainer train --progress`: the library's <see cref="ProgressMonitor"/> on stderr, a bar when stderr is a terminal.</summary>
public static class TrainingProgress
{
    /// <summary>The progress <paramref name="style"/> asks for on <paramref name="error"/>; Auto draws a bar on a terminal and plain lines otherwise.</summary>
    public static ProgressMonitor Create(TextWriter error, ProgressStyle style, int batchesPerEpoch, int epochs)
    {
        bool console = error is FailSafeWriter guarded ? guarded.Wraps(Console.Error) : ReferenceEquals(error, Console.Error);
        bool terminal = console && !Console.IsErrorRedirected;
        bool bar = style == ProgressStyle.Bar || (style == ProgressStyle.Auto && terminal);
        return new ProgressMonitor(error, bar, batchesPerEpoch, epochs, enabled: style != ProgressStyle.None);
    }
}
