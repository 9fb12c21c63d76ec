namespace Trainer.Training.Distributed;

/// <summary>
/// The row of the global batch at which the rows this process's step computes on begin (its
/// <see cref="BatchShard.First"/>), for layers whose result depends on a row's place in the batch: a Dropout over rank
/// r's rows draws the factors of those rows of the global batch, so data-parallel ranks draw exactly the single
/// process's mask. 0 outside data-parallel training, and then nothing changes.
/// </summary>
/// <remarks>
/// The value belongs to the thread that runs the step: <see cref="Train.Model"/> sets it around each train step and
/// each compilation (<see cref="Enter"/>). A trace that reads it (<see cref="Read"/>) records the value
/// (<see cref="Reads"/>), and the compiled step is replayed only while the offset is that value, so a rank whose
/// full and short last batches have the same number of rows but start at different rows compiles each once.
/// </remarks>
internal static class BatchRowOffset
{
    [ThreadStatic] private static int current;
    [ThreadStatic] private static Reads? recorder;

    /// <summary>The offset, recorded by the trace in progress (if any) as a condition of replaying what it compiles.</summary>
    public static int Read()
    {
        recorder?.Saw(current);
        return current;
    }

    /// <summary>The offset without recording the read (what a compiled step's guard checks).</summary>
    public static int Current => current;

    /// <summary>Sets the offset to <paramref name="firstRow"/> until the returned scope is disposed, which restores the previous one.</summary>
    public static Scope Enter(int firstRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        var scope = new Scope(current);
        current = firstRow;
        return scope;
    }

    /// <summary>Restores the offset that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(int previous) : IDisposable
    {
        /// <summary>Restores the previous offset.</summary>
        public void Dispose() => current = previous;
    }

    /// <summary>Records whether a trace read the offset, and the value it saw, while installed on this thread.</summary>
    public sealed class Reads : IDisposable
    {
        private readonly Reads? previous;

        /// <summary>Installs the recorder on this thread.</summary>
        public Reads()
        {
            previous = recorder;
            recorder = this;
        }

        /// <summary>The offset the trace read, or null if it read none.</summary>
        public int? Seen { get; private set; }

        internal void Saw(int value) => Seen = value;

        /// <summary>Whether a step traced with <paramref name="seen"/> may be replayed now: it read no offset, or the offset is still that.</summary>
        public static bool Hold(int? seen) => seen is not { } value || value == current;

        /// <summary>Uninstalls the recorder.</summary>
        public void Dispose() => recorder = previous;
    }
}
