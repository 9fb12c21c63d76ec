using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Device;

/// <summary>Kernels reading and writing through <see cref="DeviceBuffer.Slice"/> touch only that range of the allocation.</summary>
public sealed class SliceTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private const float Sentinel = 31337.5f;
    private const int Total = 1000;

    private static DeviceBuffer Region(DeviceBuffer buffer, int offset, int count) => buffer.Slice(offset * 4L, count * 4L);

    /// <summary>Checks that everything outside [offset, offset+count) still holds the sentinel and returns the inside.</summary>
    private static float[] Inside(IKernelBackend backend, DeviceBuffer whole, int offset, int count, string what)
    {
        var all = backend.Floats(whole, Total);
        Close.Untouched(all, 0, offset, Sentinel, what + " (before the slice)");
        Close.Untouched(all, offset + count, Total, Sentinel, what + " (after the slice)");
        return all[offset..(offset + count)];
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Elementwise_kernels_write_only_their_slice(string backendName)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(7);
        var x = TestData.Uniform(rng, 65);
        var b = TestData.Uniform(rng, 65);

        using var whole = backend.Filled(Total, Sentinel);
        using var src = backend.Put(Enumerable.Repeat(Sentinel, 300).Concat(x).Concat(b).ToArray());
        using var xs = Region(src, 300, 65);
        using var bs = Region(src, 365, 65);

        using (var ys = Region(whole, 129, 65))
        {
            backend.Fill(ys, 65, 4f);
            Assert.All(Inside(backend, whole, 129, 65, "fill"), v => Assert.Equal(4f, v));

            backend.Fill(whole, Total, Sentinel);
            backend.Relu(xs, ys, 65);
            Close.All(ReferenceMath.Relu(x), Inside(backend, whole, 129, 65, "relu"), _ => 0, "relu through slices");

            backend.Fill(whole, Total, Sentinel);
            backend.Add(xs, bs, ys, 65);
            Close.Bitwise(x.Zip(b, (p, q) => p + q).ToArray(), Inside(backend, whole, 129, 65, "add"), "add through slices");

            backend.Fill(whole, Total, Sentinel);
            backend.BiasAdd(xs, bs, ys, 5, 13);
            var expected = ReferenceMath.BiasAdd(x, b[..13], 5, 13);
            Close.All(expected, Inside(backend, whole, 129, 65, "bias add"), i => Close.U * Math.Abs(expected[i]), "bias add through slices");
        }

        backend.Fill(whole, Total, Sentinel);
        using (var sums = Region(whole, 701, 13))
        {
            backend.ColumnSum(xs, sums, 5, 13);
            var expected = ReferenceMath.ColumnSum(x, 5, 13, out var magnitude);
            Close.All(expected, Inside(backend, whole, 701, 13, "column sum"), j => Close.Gamma(5) * magnitude[j], "column sum through slices");
        }

        backend.Fill(whole, Total, Sentinel);
        using (var ps = Region(whole, 64, 65))
        {
            backend.UploadPinned(ps, x);
            using var rate = backend.Put(new[] { 0.5f });
            backend.SgdUpdate(ps, bs, 65, rate);
            var expected = ReferenceMath.Sgd(x, b, 0.5f);
            Close.All(expected, Inside(backend, whole, 64, 65, "sgd"), i => 2 * Close.U * (Math.Abs(x[i]) + Math.Abs(0.5 * b[i])), "sgd through slices");
        }

        // A nested slice carries its offset within the allocation.
        using var outer = Region(whole, 500, 200);
        using var inner = Region(outer, 17, 33);
        Assert.Equal((500 + 17) * 4L, inner.ByteOffset);
        Assert.Equal(33 * 4L, inner.ByteLength);
        backend.Fill(whole, Total, Sentinel);
        backend.Fill(inner, 33, -1f);
        Assert.All(Inside(backend, whole, 517, 33, "fill through a nested slice"), v => Assert.Equal(-1f, v));
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Tiled)]
    public void Gemm_reads_and_writes_through_slices(string backendName)
    {
        var backend = backends.Get(backendName);
        const int m = 7, n = 65, k = 13;
        var rng = TestData.Rng(8);
        var a = TestData.Uniform(rng, m * k);
        var b = TestData.Uniform(rng, k * n);
        var bias = TestData.Uniform(rng, n);
        using var inputs = backend.Put(new float[3].Concat(a).Concat(new float[5]).Concat(b).Concat(bias).ToArray());
        using var whole = backend.Filled(Total, Sentinel);
        using var da = Region(inputs, 3, m * k);
        using var db = Region(inputs, 3 + m * k + 5, k * n);
        using var dbias = Region(inputs, 3 + m * k + 5 + k * n, n);
        using var dc = Region(whole, 211, m * n);
        var flags = GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag;
        backend.Gemm(da, db, dc, GemmShape.For(m, n, k, false, false), new GemmEpilogue(flags), dbias, null);
        var expected = ReferenceMath.MatMul(a, b, m, n, k, false, false, bias, true, null, out var magnitude);
        Close.All(expected, Inside(backend, whole, 211, m * n, "gemm"), i => Close.Gamma(k + 1) * magnitude[i], "gemm through slices");
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Softmax_cross_entropy_writes_only_its_slices(string backendName)
    {
        var backend = backends.Get(backendName);
        const int rows = 9, classes = 10;
        var rng = TestData.Rng(9);
        var logits = TestData.Uniform(rng, rows * classes, -3f, 3f);
        var labels = TestData.Labels(rng, rows, classes);
        using var dx = backend.Put(logits);
        using var dy = backend.Put(labels);
        using var whole = backend.Filled(Total, Sentinel);
        using var loss = Region(whole, 3, 1);
        using var grad = Region(whole, 400, rows * classes);
        backend.SoftmaxCrossEntropyFused(dx, dy, loss, grad, rows, classes, 1f);
        var all = backend.Floats(whole, Total);
        Close.Untouched(all, 0, 3, Sentinel, "loss slice");
        Close.Untouched(all, 4, 400, Sentinel, "between loss and gradient");
        Close.Untouched(all, 400 + rows * classes, Total, Sentinel, "after gradient");
        double expectedLoss = ReferenceMath.SoftmaxCrossEntropy(TestData.ToDouble(logits), labels, rows, classes);
        Assert.True(Math.Abs(all[3] - expectedLoss) <= 1e-5, $"loss {all[3]:R}, reference {expectedLoss:R}");
    }

    [Fact]
    public void Upload_and_download_through_a_slice_touch_only_it()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var whole = backend.Filled(Total, Sentinel);
        using var part = Region(whole, 250, 10);
        var data = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        backend.UploadPinned(part, data);
        Close.Bitwise(data, Inside(backend, whole, 250, 10, "upload"), "upload through a slice");
        Close.Bitwise(data, backend.Floats(part, 10), "download through a slice");
    }

    [Fact]
    public void Slices_outside_the_buffer_are_rejected()
    {
        var backend = backends.Get(BackendFixture.Fast);
        using var whole = backend.Allocate(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => whole.Slice(60, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => whole.Slice(-4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => whole.Slice(0, -1));
        using var edge = whole.Slice(60, 4);
        Assert.Equal(4, edge.ByteLength);
    }
}
