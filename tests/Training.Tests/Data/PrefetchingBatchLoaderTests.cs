using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Training.Tests.Data;

/// <summary>The prefetching loader against the generic pipeline it replaces in the loops: the same batches, bit for bit.</summary>
public sealed class PrefetchingBatchLoaderTests
{
    private static PrefetchingBatchLoader Loader(MnistDataset source, int batch, ulong? seed) =>
        new(source, batch, seed, 1f / 255f, 0f, Datapipe.Mean, Datapipe.Std);

    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        // and sizes near 2^31, whose batch count overflowed in int arithmetic (0 batches: a NaN accuracy)
        foreach (int batch in new[] { 1, 7, 64, 65, 257, 3000, 1 << 30, int.MaxValue - 1, int.MaxValue })
            foreach (bool shuffle in new[] { false, true })
                data.Add(batch, shuffle);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Yields_exactly_the_generic_pipelines_batches(int batch, bool shuffle)
    {
        var source = BuiltInMnist.Test; // 2,000 rows: 65, 257 and 3000 leave a short or single batch
        ulong? seed = shuffle ? 11UL : null;
        var generic = Datapipe.Create(source, batch, seed);
        var loader = Loader(source, batch, seed);
        Assert.Equal(generic.GetDatasetSize(), loader.BatchCount);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var expected = generic.CreateTupleIterator(epoch).ToList();
            int i = 0;
            foreach (var (data, label) in loader.Batches(epoch))
            {
                Assert.Equal(expected[i][0].Shape, data.Shape);
                Assert.Equal(DType.Float32, data.DType);
                Assert.Equal(expected[i][1].Shape, label.Shape);
                Assert.Equal(DType.Int32, label.DType);
                Assert.Equal(expected[i][1].AsInt32(), label.AsInt32());
                var want = expected[i][0].AsFloat();
                var got = data.AsFloat();
                for (int k = 0; k < want.Length; k++)
                    if (BitConverter.SingleToInt32Bits(want[k]) != BitConverter.SingleToInt32Bits(got[k]))
                        Assert.Fail($"epoch {epoch} batch {i} element {k}: {got[k]:R}, pipeline {want[k]:R}");
                i++;
            }
            Assert.Equal(expected.Count, i);
        }
    }

    [Fact]
    public void Leaving_early_stops_the_producer_and_the_next_epoch_starts_cleanly()
    {
        var loader = Loader(BuiltInMnist.Test, 64, 3);
        int threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        foreach (var _ in loader.Batches(0).Take(2)) { }
        var all = loader.Batches(1).ToList();
        Assert.Equal(loader.BatchCount, all.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Batches(-1));
        Assert.True(System.Diagnostics.Process.GetCurrentProcess().Threads.Count <= threadsBefore + 1);
    }

    [Fact]
    public void Two_epochs_at_once_are_refused()
    {
        var loader = Loader(BuiltInMnist.Test, 64, null);
        using var first = loader.Batches(0).GetEnumerator();
        Assert.True(first.MoveNext());
        using var second = loader.Batches(1).GetEnumerator();
        Assert.Throws<InvalidOperationException>(() => second.MoveNext());
    }

    [Fact]
    public void A_batch_allocates_no_managed_memory_in_steady_state()
    {
        var loader = Loader(BuiltInMnist.Train, 64, 5); // 125 batches
        foreach (var _ in loader.Batches(0)) { } // the first epoch JITs and tiers up the code
        using var batches = loader.Batches(1).GetEnumerator();
        for (int i = 0; i < 10; i++) Assert.True(batches.MoveNext());
        long consumer = GC.GetAllocatedBytesForCurrentThread();
        long total = GC.GetTotalAllocatedBytes(precise: true);
        int n = 0;
        while (batches.MoveNext()) n++;
        long consumerBytes = GC.GetAllocatedBytesForCurrentThread() - consumer;
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - total;
        Assert.Equal(115, n);
        Assert.True(consumerBytes < 512, $"the consumer allocated {consumerBytes} bytes over {n} batches");
        // Process-wide (other tests run in parallel): far below the 200 KB a batch used to allocate.
        Assert.True(totalBytes < 20L * 1024 * n, $"the process allocated {totalBytes} bytes over {n} batches");
    }

    [Fact]
    public void A_failure_in_the_producer_surfaces_at_its_batch_on_the_consumer_thread()
    {
        var loader = Loader(BuiltInMnist.Test, 64, 2);
        loader.BeforeFill = batch => { if (batch == 5) throw new IOException("disk went away"); };
        using var batches = loader.Batches(0).GetEnumerator();
        for (int i = 0; i < 5; i++) Assert.True(batches.MoveNext()); // the good batches before it arrive intact
        var e = Assert.Throws<DatasetException>(() => batches.MoveNext());
        Assert.Equal("built-in mnist-10k: preparing batch 5 failed: disk went away", e.Message);
        Assert.IsType<IOException>(e.InnerException);
        Assert.Throws<DatasetException>(() => batches.MoveNext()); // again, not a hang
    }

    [Fact]
    public void Bad_arguments_are_refused_before_any_thread_starts()
    {
        Assert.Throws<DatasetException>(() => Loader(BuiltInMnist.Test, 0, null));
        Assert.Throws<DatasetException>(() => new PrefetchingBatchLoader(BuiltInMnist.Test, 64, null, 1f, 0f, 0f, 0f));
    }
}
