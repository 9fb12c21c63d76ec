using Trainer.Training.Nn;

namespace Trainer.Training.Distributed;

/// <summary>
/// The buffers of a network that data-parallel ranks update each from its own rows: every <see cref="BatchNorm"/>'s
/// (its moving mean and moving variance). Each rank normalises with the statistics of its own share of the batch and
/// folds them into its own running statistics, so these drift apart between ranks; averaging them over the ranks
/// (<see cref="DataParallelGroup.AverageBuffers"/>) before an evaluation and before a checkpoint makes every rank
/// evaluate and save the same model. Dropout's generator state is not among them: it is the same on every rank.
/// </summary>
internal static class RunningStatistics
{
    /// <summary>The buffers of every BatchNorm in <paramref name="network"/>, in the order <see cref="Cell.Buffers"/> lists them.</summary>
    public static IReadOnlyList<Parameter> Of(Cell network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var found = new List<Parameter>();
        Collect(network, found);
        return found;
    }

    private static void Collect(Cell cell, List<Parameter> found)
    {
        if (cell is BatchNorm) found.AddRange(cell.Buffers());
        else
            foreach (var (_, child) in cell.NameCells()) Collect(child, found);
    }
}
