namespace Trainer.Training.Distributed;

/// <summary>
/// Which rows of a global batch one rank trains on. Rank r of n owns rows [⌊rows·r/n⌋, ⌊rows·(r+1)/n⌋): contiguous,
/// disjoint, covering the batch, sizes differing by at most one. Every rank draws the same shuffled order from the
/// seed, so the samples of a step are those a single process would take, whatever the number of ranks.
/// </summary>
/// <remarks>
/// A rank whose share is empty (a last batch shorter than the number of ranks) still runs the step, so the
/// collectives stay in step: it computes on one row it does not own and takes part with <see cref="Weight"/> 0,
/// which leaves the sums unchanged.
/// </remarks>
public readonly record struct BatchShard(int Start, int Owned, int GlobalRows)
{
    /// <summary>Rank <paramref name="rank"/>'s share of a global batch of <paramref name="globalRows"/> rows split over <paramref name="ranks"/>.</summary>
    public static BatchShard Of(int globalRows, int rank, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(globalRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"a rank of {ranks} is 0 to {ranks - 1}");
        int start = (int)((long)globalRows * rank / ranks);
        int end = (int)((long)globalRows * (rank + 1) / ranks);
        return new BatchShard(start, end - start, globalRows);
    }

    /// <summary>The rows this rank computes on: its own, or the batch's last row when it owns none.</summary>
    public int Rows => Math.Max(Owned, 1);

    /// <summary>The first row computed on (within the global batch).</summary>
    public int First => Owned > 0 ? Start : GlobalRows - 1;

    /// <summary>
    /// This rank's share of the global batch, <see cref="Owned"/> / <see cref="GlobalRows"/>: a mean over its rows times
    /// the weight, summed over ranks, is the mean over the global batch.
    /// </summary>
    public float Weight => (float)Owned / GlobalRows;
}
