using System.Collections;
using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// The tutorial's batch pipeline — Rescale(scale, shift), Normalize(mean, std) and HWC2CHW on
/// images, TypeCast(int32) on labels, Shuffle(seed), Batch(n) — computed straight from an
/// <see cref="MnistDataset"/>'s bytes in one pass per batch, on a background thread that stays a
/// few batches ahead of training, into a ring of buffers made once. In steady state a batch
/// allocates nothing.
/// <para>It yields exactly the batches the generic <see cref="Dataset"/> pipeline yields (same
/// order, same bits, the same short last batch): a pixel's value depends only on its byte, so the
/// float32 steps of Rescale then Normalize are done once per byte value into a 256-entry table,
/// and the order is <see cref="ShuffleDataset.Permutation(int, ulong, int)"/>.</para>
/// <para>Without normalisation (<c>normalize: false</c>) the images stay the dataset's uint8 bytes,
/// [n,1,H,W], for a step that normalises them on the device (a quarter of the bytes to upload).</para>
/// <para>A yielded batch is valid until the enumerator moves on (the step copies it to the device
/// before that). One epoch is enumerated at a time; leaving the loop early, or an exception in
/// the producer (rethrown on the consumer's thread), stops the producer thread.</para>
/// <para>Any other pipeline is prefetched too: built from a batched <see cref="Dataset"/> (one made by
/// <see cref="Dataset.Batch(int, bool)"/>, with a data and a label column), the loader enumerates that pipeline's batches on
/// the background thread, a few ahead of training, and yields each (its rank's rows of it, with several
/// data-parallel ranks) as the pipeline made it.</para>
/// </summary>
public sealed class PrefetchingBatchLoader
{
    private readonly MnistDataset? source;
    private readonly Dataset? pipeline;
    private readonly int rowCount;
    private readonly string description;
    private (int[] Data, DType DataType, int[] Label, DType LabelType)? itemTypes;
    private readonly ulong? shuffleSeed;
    private readonly float[] table = new float[256];
    private readonly Slot[] slots;
    private readonly int[] order;
    private readonly int pixels;
    private readonly bool normalize;
    private int active;

    /// <summary>A loader of <paramref name="source"/> in batches of <paramref name="batchSize"/>, filled ahead on a background thread.</summary>
    /// <param name="source">The images and labels.</param>
    /// <param name="batchSize">Samples per batch (the last batch may be shorter).</param>
    /// <param name="shuffleSeed">The seed of each epoch's order; null keeps the file's order.</param>
    /// <param name="scale">Rescale's factor (the pixel value times it, plus <paramref name="shift"/>).</param>
    /// <param name="shift">Rescale's offset.</param>
    /// <param name="mean">Normalize's mean, subtracted after rescaling.</param>
    /// <param name="std">Normalize's standard deviation, divided by last.</param>
    /// <param name="depth">Batches in the ring: one being trained on, the rest being filled ahead.</param>
    /// <param name="normalize">False to yield the images as uint8 bytes, left for the device to normalise.</param>
    /// <param name="rank">With <paramref name="ranks"/> above 1, yield only this data-parallel rank's share of each global batch (<see cref="Distributed.BatchShard"/>).</param>
    /// <param name="ranks">The number of data-parallel processes the global batches are split over; 1 yields whole batches.</param>
    public PrefetchingBatchLoader(MnistDataset source, int batchSize, ulong? shuffleSeed,
        float scale, float shift, float mean, float std, int depth = 3, bool normalize = true, int rank = 0, int ranks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"a rank of {ranks} is 0 to {ranks - 1}");
        Rank = rank;
        Ranks = ranks;
        ArgumentNullException.ThrowIfNull(source);
        if (batchSize <= 0) throw new DatasetException($"Batch: batch size must be positive, got {batchSize}");
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 2);
        _ = new Normalize(mean, std); // the same checks of mean and std as the generic pipeline
        this.source = source;
        rowCount = source.Count;
        description = source.Source;
        this.shuffleSeed = shuffleSeed;
        BatchSize = batchSize;
        this.normalize = normalize;
        pixels = source.ImageHeight * source.ImageWidth;
        itemTypes = ([1, source.ImageHeight, source.ImageWidth], normalize ? DType.Float32 : DType.UInt8, [], DType.Int32);
        for (int b = 0; b < 256; b++)
        {
            // Exactly Rescale's then Normalize's float32 operations, one rounding each.
            float v = b * scale + shift;
            table[b] = (v - mean) / std;
        }
        order = new int[source.Count];
        int full = ShardRows(Math.Min(batchSize, Math.Max(source.Count, 1)));
        int tail = source.Count % batchSize == 0 ? 0 : ShardRows(source.Count % batchSize);
        slots = new Slot[depth];
        for (int i = 0; i < depth; i++) slots[i] = new Slot(full, tail, source.ImageHeight, source.ImageWidth, normalize);
    }

    /// <summary>
    /// Prefetches any batched pipeline: <paramref name="batches"/> must be made by <see cref="Dataset.Batch(int, bool)"/>
    /// (or <see cref="Dataset.Batch(int, bool, int)"/>, whose rows are then read on its worker threads) and
    /// have two columns, the network's input and the label, in that order. Each epoch enumerates the pipeline's
    /// batches of that epoch on a background thread, up to <paramref name="depth"/> - 1 ahead of the consumer.
    /// </summary>
    /// <param name="batches">The batched pipeline, e.g. <c>dataset.Map(...).Shuffle(seed).Batch(64)</c>.</param>
    /// <param name="depth">Batches prepared ahead, plus the one being trained on.</param>
    /// <param name="rank">With <paramref name="ranks"/> above 1, yield only this data-parallel rank's rows of each global batch.</param>
    /// <param name="ranks">The number of data-parallel processes the global batches are split over; 1 yields whole batches.</param>
    /// <exception cref="DatasetException"><paramref name="batches"/> is not a batched pipeline of two columns.</exception>
    public PrefetchingBatchLoader(Dataset batches, int depth = 3, int rank = 0, int ranks = 1)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"a rank of {ranks} is 0 to {ranks - 1}");
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 2);
        (Dataset source, int batchSize, bool dropRemainder) = batches switch
        {
            BatchDataset b => (b.Source, b.BatchSize, b.DropRemainder),
            ParallelBatchDataset p => (p.Source, p.BatchSize, p.DropRemainder),
            _ => throw new DatasetException($"PrefetchingBatchLoader: expected a batched data set (made by Dataset.Batch), got a {batches.GetType().Name}"),
        };
        if (batches.ColumnNames.Count != 2)
            throw new DatasetException($"PrefetchingBatchLoader: expected two columns (data, label), got {batches.ColumnNames.Count}: {string.Join(", ", batches.ColumnNames)}");
        Rank = rank;
        Ranks = ranks;
        pipeline = batches;
        BatchSize = batchSize;
        int rows = source.GetDatasetSize();
        rowCount = dropRemainder ? rows - rows % BatchSize : rows;
        description = $"the {string.Join("/", batches.ColumnNames)} pipeline";
        order = [];
        slots = new Slot[depth];
        for (int i = 0; i < depth; i++) slots[i] = new Slot();
    }

    /// <summary>The global batch size: rows per step over all ranks together.</summary>
    public int BatchSize { get; }

    /// <summary>This process's rank among <see cref="Ranks"/>; batches hold its share of each global batch.</summary>
    public int Rank { get; }

    /// <summary>The data-parallel processes each global batch is split over (1: whole batches).</summary>
    public int Ranks { get; }

    private int ShardRows(int globalRows) => Distributed.BatchShard.Of(globalRows, Rank, Ranks).Rows;

    /// <summary>This rank's share of global batch <paramref name="batch"/>: which rows it computes on and its weight.</summary>
    public Distributed.BatchShard Shard(int batch)
    {
        if (batch < 0 || batch >= BatchCount) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"an epoch has batches 0 to {BatchCount - 1}");
        return Distributed.BatchShard.Of((int)Math.Min(BatchSize, rowCount - (long)batch * BatchSize), Rank, Ranks);
    }

    /// <summary>The distinct numbers of rows the yielded batches hold: the full batch's share and the short last one's.</summary>
    public IReadOnlyList<int> RowCounts =>
        BatchCount == 0 ? [] : new[] { Shard(0).Rows, Shard(BatchCount - 1).Rows }.Distinct().ToArray();

    /// <summary>The distinct shares of the yielded batches (the full batch's and the short last one's): their rows and where they start in the global batch.</summary>
    internal IReadOnlyList<Distributed.BatchShard> Shards =>
        BatchCount == 0 ? [] : new[] { Shard(0), Shard(BatchCount - 1) }.Distinct().ToArray();

    /// <summary>Called on the producer thread before each batch is filled; tests use it to inject a failure.</summary>
    internal Action<int>? BeforeFill { get; set; }

    /// <summary>Batches per epoch, the last one short when the rows do not divide evenly.</summary>
    public int BatchCount => (int)(((long)rowCount + BatchSize - 1) / BatchSize); // in long: a batch size near 2^31 would overflow

    /// <summary>The batches of epoch <paramref name="epoch"/>: image data float32 (or, unnormalised, uint8) [n,1,H,W] and labels int32 [n].</summary>
    public IEnumerable<(HostTensor Data, HostTensor Label)> Batches(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return new Epoch(this, epoch);
    }

    /// <summary>
    /// The type of one row of the data and of the label (the batch's shape without its first axis, and the element
    /// type): what a step is compiled for. A generic pipeline computes its first batch once to learn them.
    /// </summary>
    internal (int[] Data, DType DataType, int[] Label, DType LabelType) ItemTypes()
    {
        if (itemTypes is { } known) return known;
        if (BatchCount == 0) throw new DatasetException($"{description}: the data set has no rows");
        var first = pipeline!.CreateTupleIterator(0).First();
        itemTypes = (first[0].Shape[1..], first[0].DType, first[1].Shape[1..], first[1].DType);
        return itemTypes.Value;
    }

    /// <summary>Batch <paramref name="batch"/> of a generic pipeline, cut to this rank's rows.</summary>
    private (HostTensor Data, HostTensor Label) Share(HostTensor[] row, int batch)
    {
        var shard = Shard(batch);
        if (row[0].Shape.Length == 0 || row[0].Shape[0] != shard.GlobalRows || row[1].Shape.Length == 0 || row[1].Shape[0] != shard.GlobalRows)
            throw new DatasetException($"{description}: batch {batch} holds {row[0]} and {row[1]}, expected {shard.GlobalRows} rows in each");
        return (Rows(row[0], shard.First, shard.Rows), Rows(row[1], shard.First, shard.Rows));
    }

    private static HostTensor Rows(HostTensor tensor, int first, int rows)
    {
        if (first == 0 && rows == tensor.Shape[0]) return tensor;
        int[] shape = [rows, .. tensor.Shape[1..]];
        var part = HostTensor.Zeros(tensor.DType, shape);
        int stride = tensor.ElementCount / tensor.Shape[0];
        Array.Copy(tensor.RawData, (long)first * stride, part.RawData, 0, (long)rows * stride);
        return part;
    }

    /// <summary>Fills <paramref name="slot"/> with batch <paramref name="batch"/>; returns the tensors holding it.</summary>
    private (HostTensor Data, HostTensor Label) Fill(Slot slot, int batch)
    {
        var source = this.source!;
        int batchStart = checked(batch * BatchSize); // batch < BatchCount, so inside the data set
        var shard = Shard(batch);
        int start = batchStart + shard.First, rows = shard.Rows;
        var (data, label) = shard.GlobalRows == BatchSize ? slot.Full : slot.Tail!.Value;
        var images = source.ImageBytes.Span;
        var labels = source.LabelBytes.Span;
        int[] y = label.AsInt32();
        for (int r = 0; r < rows; r++)
        {
            int index = order[start + r];
            var image = images.Slice(index * pixels, pixels);
            if (normalize)
            {
                var row = data.AsFloat().AsSpan(r * pixels, pixels);
                for (int p = 0; p < row.Length; p++) row[p] = table[image[p]];
            }
            else image.CopyTo(data.AsUInt8().AsSpan(r * pixels, pixels));
            y[r] = labels[index];
        }
        return (data, label);
    }

    /// <summary>One ring buffer: the full-size batch and, when the set does not divide evenly, the short last one.</summary>
    private sealed class Slot
    {
        /// <summary>A slot of a generic pipeline: it holds whatever batch the pipeline made.</summary>
        public Slot()
        {
        }

        public Slot(int rows, int tail, int height, int width, bool normalize)
        {
            var dtype = normalize ? DType.Float32 : DType.UInt8;
            Full = (HostTensor.Zeros(dtype, [rows, 1, height, width]), new HostTensor([rows], new int[rows]));
            if (tail > 0)
                Tail = (HostTensor.Zeros(dtype, [tail, 1, height, width]), new HostTensor([tail], new int[tail]));
        }

        public (HostTensor Data, HostTensor Label) Full { get; } = default;
        public (HostTensor Data, HostTensor Label)? Tail { get; }
        public (HostTensor Data, HostTensor Label) Ready;
    }

    /// <summary>One epoch's enumeration: a producer thread fills slots ahead; the consumer hands each back on its next move.</summary>
    private sealed class Epoch(PrefetchingBatchLoader loader, int epoch) : IEnumerable<(HostTensor, HostTensor)>, IEnumerator<(HostTensor, HostTensor)>
    {
        private readonly SemaphoreSlim free = new(loader.slots.Length);
        private readonly SemaphoreSlim filled = new(0);
        private Thread? producer;
        private volatile bool stopping;
        private Exception? failure;
        private int failedBatch = -1;
        private int next;
        private bool holding;
        private bool started;

        public (HostTensor, HostTensor) Current { get; private set; }
        object IEnumerator.Current => Current;

        public IEnumerator<(HostTensor, HostTensor)> GetEnumerator()
        {
            if (started) throw new InvalidOperationException("an epoch's batches can be enumerated once");
            return this;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool MoveNext()
        {
            if (!started) Start();
            if (holding)
            {
                holding = false;
                free.Release();
            }
            if (next >= loader.BatchCount) return false;
            filled.Wait();
            // Batches filled before the failure are still good; the failure surfaces at its own batch.
            if (next == Volatile.Read(ref failedBatch) && failure is { } e)
            {
                filled.Release(); // so a caller that retries gets the same error instead of blocking
                throw new DatasetException($"{loader.description}: preparing batch {next} failed: {e.Message}", e);
            }
            Current = loader.slots[next % loader.slots.Length].Ready;
            next++;
            holding = true;
            return true;
        }

        private void Start()
        {
            if (Interlocked.Exchange(ref loader.active, 1) != 0)
                throw new InvalidOperationException("one epoch of a PrefetchingBatchLoader is enumerated at a time");
            started = true;
            if (loader.shuffleSeed is { } seed) ShuffleDataset.Permutation(loader.order, seed, epoch);
            else for (int i = 0; i < loader.order.Length; i++) loader.order[i] = i;
            producer = new Thread(Produce) { IsBackground = true, Name = "trainer batch prefetch" };
            producer.Start();
        }

        private void Produce()
        {
            int batch = 0;
            try
            {
                if (loader.pipeline is { } pipeline)
                {
                    foreach (var row in pipeline.CreateTupleIterator(epoch))
                    {
                        if (batch >= loader.BatchCount) break;
                        free.Wait();
                        if (stopping) return;
                        loader.BeforeFill?.Invoke(batch);
                        loader.slots[batch % loader.slots.Length].Ready = loader.Share(row, batch);
                        filled.Release();
                        batch++;
                    }
                    if (batch < loader.BatchCount)
                        throw new DatasetException($"the pipeline yielded {batch} batches, expected {loader.BatchCount}");
                    return;
                }
                for (; batch < loader.BatchCount; batch++)
                {
                    free.Wait();
                    if (stopping) return;
                    loader.BeforeFill?.Invoke(batch);
                    var slot = loader.slots[batch % loader.slots.Length];
                    slot.Ready = loader.Fill(slot, batch);
                    filled.Release();
                }
            }
            catch (Exception e)
            {
                failure = e;
                Volatile.Write(ref failedBatch, batch);
                filled.Release();
            }
        }

        public void Reset() => throw new NotSupportedException("start a new epoch with Batches(epoch)");

        public void Dispose()
        {
            if (!started || producer is null) return;
            stopping = true;
            free.Release(); // wakes a producer waiting for a slot
            producer.Join();
            producer = null;
            free.Dispose();
            filled.Dispose();
            Volatile.Write(ref loader.active, 0);
        }
    }
}
