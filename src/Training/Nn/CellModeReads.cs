namespace Trainer.Training.Nn;

/// <summary>
/// Records which cells' <see cref="Cell.Training"/> a trace read, and the value it saw, while it is
/// installed on this thread: the guards a compiled step checks before it is replayed, so a mode
/// switch compiles the step once more for the other mode instead of replaying the wrong graph.
/// </summary>
internal sealed class CellModeReads : IDisposable
{
    [ThreadStatic] private static CellModeReads? current;

    private readonly CellModeReads? previous;
    private readonly List<(Cell Cell, bool Training)> reads = [];

    public CellModeReads()
    {
        previous = current;
        current = this;
    }

    /// <summary>The recorder installed on this thread, or null.</summary>
    public static CellModeReads? Current => current;

    public void Read(Cell cell, bool training)
    {
        foreach (var (c, _) in reads)
            if (ReferenceEquals(c, cell)) return;
        reads.Add((cell, training));
    }

    /// <summary>What was read, in first-read order.</summary>
    public (Cell Cell, bool Training)[] Reads => [.. reads];

    /// <summary>Whether every cell in <paramref name="guards"/> is still in the mode the trace saw; allocates nothing.</summary>
    public static bool Hold((Cell Cell, bool Training)[] guards)
    {
        foreach (var (cell, training) in guards)
            if (cell.ModeForGuard != training) return false;
        return true;
    }

    public void Dispose() => current = previous;
}
