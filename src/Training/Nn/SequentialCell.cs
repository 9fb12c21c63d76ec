namespace Trainer.Training.Nn;

/// <summary>Cells applied in order; children are named 0, 1, 2, … as in MindSpore.</summary>
public sealed class SequentialCell : Cell
{
    private readonly Cell[] cells;

    /// <summary>The cells run in order, registered as children <c>0</c>, <c>1</c>, ….</summary>
    public SequentialCell(params Cell[] cells)
    {
        this.cells = cells;
        for (int i = 0; i < cells.Length; i++) Register(i.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[i]);
    }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        foreach (var cell in cells) x = cell.Call(x);
        return x;
    }
}
