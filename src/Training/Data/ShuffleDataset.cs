namespace Trainer.Training.Data;

/// <summary>
/// Pipeline stage that yields all rows of its source exactly once per epoch, in an order given by a full
/// Fisher–Yates permutation (see <see cref="GetPermutation"/>). The order is a pure function of
/// <see cref="Seed"/> and the epoch number: the same seed and epoch always give the same order, and
/// different epochs give different orders.
/// </summary>
/// <remarks>
/// A random-access source is read row by row in permuted order; any other source is first buffered for
/// the whole epoch. Both give the same order.
/// </remarks>
public sealed class ShuffleDataset : Dataset
{
    /// <summary>Creates the stage.</summary>
    public ShuffleDataset(Dataset source, ulong seed)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        Seed = seed;
    }

    /// <summary>The stage rows are read from.</summary>
    public Dataset Source { get; }

    /// <summary>The seed all epoch permutations derive from.</summary>
    public ulong Seed { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Source.ColumnNames;

    /// <inheritdoc />
    public override int GetDatasetSize() => Source.GetDatasetSize();

    /// <summary>True when the source is random access: position k of epoch e is then source row <c>GetPermutation(e)[k]</c>.</summary>
    public override bool IsRandomAccess => Source.IsRandomAccess;

    /// <summary>The row at position <paramref name="index"/> of epoch <paramref name="epoch"/>'s order, the one <see cref="Rows"/> yields there. The
    /// epoch's permutation is computed once and kept until another epoch is asked for; safe to call from several threads.</summary>
    /// <exception cref="NotSupportedException">The source is not random access.</exception>
    public override HostTensor[] GetRow(int index, int epoch)
    {
        if (!Source.IsRandomAccess) return base.GetRow(index, epoch);
        EpochOrder? hit = _cached;
        if (hit is null || hit.Epoch != epoch)
        {
            hit = new EpochOrder(epoch, GetPermutation(epoch));
            _cached = hit; // a race only computes the same order twice
        }
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, hit.Order.Length);
        return Source.GetRow(hit.Order[index], epoch);
    }

    private volatile EpochOrder? _cached;

    private sealed record EpochOrder(int Epoch, int[] Order);

    /// <summary>
    /// The seed of the <see cref="SeededRandom"/> that permutes epoch <paramref name="epoch"/>:
    /// <c>seed ^ (0x9E3779B97F4A7C15 * (epoch + 1))</c> in wrapping 64-bit arithmetic. Multiplying by the
    /// odd golden-ratio constant gives every epoch a distinct, well-spread seed.
    /// </summary>
    public static ulong EpochSeed(ulong seed, int epoch) =>
        unchecked(seed ^ (0x9E3779B97F4A7C15UL * (ulong)((long)epoch + 1)));

    /// <summary>
    /// The order of epoch <paramref name="epoch"/>: position k of the epoch yields source row
    /// <c>GetPermutation(epoch)[k]</c>. Computed as the identity array 0..n-1 shuffled by
    /// <see cref="SeededRandom.Shuffle{T}"/> with seed <see cref="EpochSeed"/>(<see cref="Seed"/>, epoch).
    /// </summary>
    public int[] GetPermutation(int epoch) => Permutation(Source.GetDatasetSize(), Seed, epoch);

    /// <inheritdoc />
    public override IEnumerable<HostTensor[]> Rows(int epoch)
    {
        if (Source.IsRandomAccess)
        {
            int[] order = GetPermutation(epoch);
            foreach (int index in order)
            {
                yield return Source.GetRow(index, epoch);
            }
        }
        else
        {
            List<HostTensor[]> rows = Source.Rows(epoch).ToList();
            int[] order = Permutation(rows.Count, Seed, epoch);
            foreach (int index in order)
            {
                yield return rows[index];
            }
        }
    }

    /// <summary>The order of epoch <paramref name="epoch"/> of <paramref name="count"/> rows shuffled with <paramref name="seed"/>, as <see cref="GetPermutation"/> gives it.</summary>
    public static int[] Permutation(int count, ulong seed, int epoch)
    {
        var order = new int[count];
        Permutation(order, seed, epoch);
        return order;
    }

    /// <summary>Fills <paramref name="order"/> with the permutation of its length for <paramref name="seed"/> and <paramref name="epoch"/>, allocating nothing.</summary>
    public static void Permutation(int[] order, ulong seed, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        new SeededRandom(EpochSeed(seed, epoch)).Shuffle<int>(order);
    }
}
