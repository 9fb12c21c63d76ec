namespace Trainer.Training.Nn;

/// <summary>
/// Records every <see cref="Cell.Call(Tensor)"/> made on this thread while it is installed: which cell, how
/// deep in the call tree, its output and the span of traced nodes the call added. What
/// <see cref="CellSummary"/> builds its rows from.
/// </summary>
internal sealed class CellCallRecorder : IDisposable
{
    [ThreadStatic] private static CellCallRecorder? current;

    private readonly Func<int> nodeCount;
    private readonly CellCallRecorder? previous;
    private int depth;

    /// <param name="nodeCount">How many nodes the trace holds now.</param>
    public CellCallRecorder(Func<int> nodeCount)
    {
        this.nodeCount = nodeCount;
        previous = current;
        current = this;
    }

    /// <summary>The recorder installed on this thread, or null.</summary>
    public static CellCallRecorder? Current => current;

    public List<CellCall> Calls { get; } = [];

    public int Enter(Cell cell)
    {
        Calls.Add(new CellCall(cell, depth++, nodeCount()));
        return Calls.Count - 1;
    }

    public void Exit(int entry, Tensor output) => Exit(entry, [output]);

    public void Exit(int entry, Tensor[] outputs)
    {
        depth--;
        Calls[entry].Outputs = outputs;
        Calls[entry].LastNode = nodeCount();
    }

    public void Dispose() => current = previous;
}

/// <summary>One recorded call: the cell, its depth, its output, and the traced nodes [FirstNode, LastNode) it added.</summary>
internal sealed class CellCall(Cell cell, int depth, int firstNode)
{
    public Cell Cell { get; } = cell;
    public int Depth { get; } = depth;
    public int FirstNode { get; } = firstNode;
    public int LastNode { get; set; } = firstNode;
    public Tensor[] Outputs { get; set; } = [];

    /// <summary>The first output (a summary row shows its shape); null before the call returned or when it returned none.</summary>
    public Tensor? Output => Outputs.Length > 0 ? Outputs[0] : null;
}
