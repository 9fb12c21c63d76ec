using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.Device;

public sealed class LaunchCountTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Tiled)]
    public void Every_kernel_counts_one_launch_and_copies_count_none(string backendName)
    {
        var backend = backends.Get(backendName);
        const int rows = 7, classes = 5, n = rows * classes;
        var rng = TestData.Rng(1);
        using var x = backend.Put(TestData.Uniform(rng, n));
        using var y = backend.Put(TestData.Uniform(rng, n));
        using var z = backend.Allocate(rows * rows * 4); // the largest output: the 7x7 GEMM
        using var labels = backend.Put(TestData.Labels(rng, rows, classes));
        using var scalar = backend.Put(new[] { 1f });
        using var count = backend.Allocate(4);
        using var pixels = backend.Put(TestData.Bytes(rng, n));
        using var segments = backend.Put(new[] { 0, 0, 3, 10, 20, 4 });
        using var hyperparameters = backend.Put(new[] { 0.1f });

        var launches = new (string Name, Action Launch)[]
        {
            ("Gemm", () => backend.Gemm(x, y, z, GemmShape.For(rows, rows, classes, false, true), GemmEpilogue.None, null, null)),
            ("Gemm+epilogue", () => backend.Gemm(x, y, z, GemmShape.For(rows, classes, classes, false, false),
                new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag | GemmEpilogue.MaskFlag), y, x)),
            ("BiasAdd", () => backend.BiasAdd(x, y, z, rows, classes)),
            ("Relu", () => backend.Relu(x, z, n)),
            ("ReluBackward", () => backend.ReluBackward(x, y, z, n)),
            ("ColumnSum", () => backend.ColumnSum(x, z, rows, classes)),
            ("SoftmaxCrossEntropy", () => backend.SoftmaxCrossEntropy(x, labels, scalar, rows, classes)),
            ("SoftmaxCrossEntropyBackward", () => backend.SoftmaxCrossEntropyBackward(x, labels, scalar, z, rows, classes)),
            ("SoftmaxCrossEntropyFused", () => backend.SoftmaxCrossEntropyFused(x, labels, count, z, rows, classes, 1f)),
            ("SgdUpdate", () => backend.SgdUpdate(z, x, n, hyperparameters)),
            ("SgdUpdateMulti", () => backend.SgdUpdateMulti(z, x, segments, 2, 7, hyperparameters)),
            ("ImageNormalize", () => backend.ImageNormalize(pixels, z, n, 1f / 255f, 0f, 0.5f, 0.25f)),
            ("CountCorrect", () => backend.CountCorrect(x, labels, count, rows, classes)),
            ("Fill", () => backend.Fill(z, n, 2f)),
            ("Add", () => backend.Add(x, y, z, n)),
        };
        foreach (var (name, launch) in launches)
        {
            long before = backend.LaunchCount;
            launch();
            Assert.True(backend.LaunchCount == before + 1, $"{name}: LaunchCount went from {before} to {backend.LaunchCount}");
        }

        long after = backend.LaunchCount;
        backend.Synchronize();
        backend.UploadPinned(z, new float[n]);
        backend.DownloadPinned(z, new float[n]);
        backend.Free(backend.Allocate(64));
        Assert.Equal(after, backend.LaunchCount);
    }

    /// <summary>Calls with nothing to do return without launching (and without touching memory).</summary>
    [Fact]
    public void Empty_calls_launch_nothing()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var z = backend.Filled(4, float.NaN);
        long before = backend.LaunchCount;
        backend.Fill(z, 0, 1f);
        backend.Relu(z, z, 0);
        backend.Add(z, z, z, 0);
        backend.Gemm(z, z, z, GemmShape.For(0, 3, 2, false, false), GemmEpilogue.None, null, null);
        backend.SgdUpdate(z, z, 0, z);
        Assert.Equal(before, backend.LaunchCount);
        Assert.All(backend.Floats(z, 4), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void A_sequence_of_launches_counts_each()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var z = backend.Allocate(65 * 4);
        long before = backend.LaunchCount;
        for (int i = 0; i < 10; i++) backend.Fill(z, 65, i);
        Assert.Equal(before + 10, backend.LaunchCount);
        Assert.All(backend.Floats(z, 65), v => Assert.Equal(9f, v));
    }
}
