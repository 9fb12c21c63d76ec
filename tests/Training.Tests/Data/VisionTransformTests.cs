using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class VisionTransformTests
{
    /// <summary>Bilinear resize in float64, written from the definition (half-pixel centres, clamped at 0, edge repeated), pixel by pixel.</summary>
    private static double ReferenceResize(Func<int, int, int, double> at, int h, int w, int oh, int ow, int y, int x, int k)
    {
        double sy = Math.Max((y + 0.5) * h / oh - 0.5, 0), sx = Math.Max((x + 0.5) * w / ow - 0.5, 0);
        int y0 = Math.Min((int)sy, h - 1), x0 = Math.Min((int)sx, w - 1);
        int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
        double wy = y0 == h - 1 ? 0 : sy - y0, wx = x0 == w - 1 ? 0 : sx - x0;
        return (1 - wy) * ((1 - wx) * at(y0, x0, k) + wx * at(y0, x1, k)) + wy * ((1 - wx) * at(y1, x0, k) + wx * at(y1, x1, k));
    }

    public static TheoryData<int, int, int, int, int> ResizeCases => new()
    {
        { 1, 1, 7, 5, 3 }, { 7, 5, 1, 1, 1 }, { 28, 28, 32, 32, 1 }, { 63, 7, 65, 3, 3 }, { 65, 257, 7, 63, 2 }, { 7, 7, 7, 7, 3 },
    };

    [Theory]
    [MemberData(nameof(ResizeCases))]
    public void Resize_matches_a_float64_bilinear_reference(int h, int w, int oh, int ow, int c)
    {
        var random = new SeededRandom((ulong)(h * 1000 + w * 10 + c));
        float[] x = Enumerable.Range(0, h * w * c).Select(_ => random.NextUniform(-5f, 5f)).ToArray();
        byte[] b = Enumerable.Range(0, h * w * c).Select(_ => (byte)random.NextInt(256)).ToArray();
        var resize = new Resize(oh, ow);

        float[] yf = resize.Apply(new HostTensor([h, w, c], x)).AsFloat();
        HostTensor yb = resize.Apply(new HostTensor([h, w, c], b));
        Assert.Equal([oh, ow, c], yb.Shape);
        Assert.Equal([oh, ow, c], resize.OutputShape([h, w, c]));
        for (int y = 0; y < oh; y++)
            for (int xx = 0; xx < ow; xx++)
                for (int k = 0; k < c; k++)
                {
                    int i = (y * ow + xx) * c + k;
                    double expectedF = ReferenceResize((yy, xi, kk) => x[(yy * w + xi) * c + kk], h, w, oh, ow, y, xx, k);
                    Assert.True(Math.Abs(yf[i] - expectedF) <= 1e-6 * (1 + Math.Abs(expectedF)), $"float ({y},{xx},{k}): {yf[i]} vs {expectedF}");
                    double expectedB = ReferenceResize((yy, xi, kk) => b[(yy * w + xi) * c + kk], h, w, oh, ow, y, xx, k);
                    // Rounded half away from zero; a float64 reference may sit a hair either side of .5.
                    Assert.True(Math.Abs(yb.AsUInt8()[i] - expectedB) <= 0.5 + 1e-9, $"uint8 ({y},{xx},{k}): {yb.AsUInt8()[i]} vs {expectedB}");
                }
    }

    [Fact]
    public void Resize_doubling_a_row_gives_the_half_pixel_values_opencv_and_pytorch_give()
    {
        // cv2.resize(np.float32([[0, 10]]), (4, 1), interpolation=cv2.INTER_LINEAR) and
        // torch interpolate(mode="bilinear", align_corners=False) both give 0, 2.5, 7.5, 10.
        float[] y = new Resize(1, 4).Apply(new HostTensor([1, 2], new float[] { 0, 10 })).AsFloat();
        Assert.Equal(new float[] { 0, 2.5f, 7.5f, 10 }, y);
        // Halving averages each pair: sample points fall midway between source pixels.
        float[] half = new Resize(1, 2).Apply(new HostTensor([1, 4], new float[] { 0, 4, 8, 20 })).AsFloat();
        Assert.Equal(new float[] { 2, 14 }, half);
    }

    [Fact]
    public void Resize_rejects_bad_sizes_and_inputs_in_one_line()
    {
        Assert.Contains("Resize: height and width must be 1 to", Assert.Throws<DatasetException>(() => new Resize(0, 3)).Message);
        var e = Assert.Throws<DatasetException>(() => new Resize(2, 2).Apply(new HostTensor([4], new float[4])));
        Assert.Equal("Resize: expected an [H,W,C] or [H,W] image with no empty dimension, got float32 [4]", e.Message);
        e = Assert.Throws<DatasetException>(() => new Resize(2, 2).Apply(new HostTensor([2, 2], new int[4])));
        Assert.StartsWith("Resize: expected a uint8 or float32", e.Message);
    }

    private static HostTensor Numbered(int h, int w, int c) =>
        new([h, w, c], Enumerable.Range(0, h * w * c).Select(i => (byte)(i % 251 + 1)).ToArray());

    [Theory]
    [InlineData(5, 7, 3, 5, 7, 2)]
    [InlineData(1, 1, 1, 1, 1, 3)]
    [InlineData(7, 5, 2, 3, 4, 0)]
    [InlineData(32, 32, 3, 32, 32, 4)]
    public void RandomCrop_gives_exactly_the_padded_window_at_its_drawn_corner(int h, int w, int c, int ch, int cw, int pad)
    {
        HostTensor image = Numbered(h, w, c);
        byte[] src = image.AsUInt8();
        var crop = new RandomCrop(ch, cw, pad, seed: 11);
        var corners = new HashSet<(int, int)>();
        for (int row = 0; row < 40; row++)
        {
            var (top, left) = crop.Corner(h, w, epoch: 2, row);
            Assert.InRange(top, 0, h + 2 * pad - ch);
            Assert.InRange(left, 0, w + 2 * pad - cw);
            corners.Add((top, left));
            byte[] got = crop.ApplyAt(image, 2, row).AsUInt8();
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++)
                    for (int k = 0; k < c; k++)
                    {
                        int sy = top + y - pad, sx = left + x - pad;
                        byte expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(sy * w + sx) * c + k] : (byte)0;
                        Assert.Equal(expected, got[(y * cw + x) * c + k]);
                    }
        }
        int positions = (h + 2 * pad - ch + 1) * (w + 2 * pad - cw + 1);
        Assert.True(corners.Count >= Math.Min(positions, 10), $"{corners.Count} distinct corners of {positions} in 40 rows");
    }

    [Fact]
    public void RandomCrop_of_a_float_image_moves_the_same_values()
    {
        var image = new HostTensor([2, 3], new float[] { 1, 2, 3, 4, 5, 6 });
        var crop = new RandomCrop(2, 3, padding: 1, seed: 3);
        for (int row = 0; row < 10; row++)
        {
            var (top, left) = crop.Corner(2, 3, 0, row);
            float[] y = crop.ApplyAt(image, 0, row).AsFloat();
            for (int i = 0; i < 6; i++)
            {
                int sy = top + i / 3 - 1, sx = left + i % 3 - 1;
                Assert.Equal(sy is >= 0 and < 2 && sx is >= 0 and < 3 ? image.AsFloat()[sy * 3 + sx] : 0f, y[i]);
            }
        }
        var e = Assert.Throws<DatasetException>(() => new RandomCrop(9, 3, 1, 0).Apply(image));
        Assert.Equal("RandomCrop: a 9x3 window does not fit float32 [2,3] padded by 1", e.Message);
    }

    [Fact]
    public void RandomHorizontalFlip_mirrors_each_row_exactly_or_copies_it()
    {
        HostTensor image = Numbered(3, 7, 2);
        byte[] src = image.AsUInt8();
        var flip = new RandomHorizontalFlip(0.5, seed: 5);
        int flipped = 0;
        for (int row = 0; row < 400; row++)
        {
            byte[] got = flip.ApplyAt(image, 1, row).AsUInt8();
            bool f = flip.Flips(1, row);
            flipped += f ? 1 : 0;
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 7; x++)
                    for (int k = 0; k < 2; k++)
                        Assert.Equal(src[(y * 7 + (f ? 6 - x : x)) * 2 + k], got[(y * 7 + x) * 2 + k]);
        }
        Assert.InRange(flipped, 160, 240); // binomial(400, 0.5): mean 200, sd 10
        Assert.False(new RandomHorizontalFlip(0, 5).Flips(0, 0));
        Assert.True(new RandomHorizontalFlip(1, 5).Flips(0, 0));
        Assert.StartsWith("RandomHorizontalFlip: probability must be in [0, 1]", Assert.Throws<DatasetException>(() => new RandomHorizontalFlip(double.NaN, 0)).Message);
    }

    /// <summary>A pipeline of random transforms gives the same rows read in order, read by row index in any order on many threads, and read again.</summary>
    [Fact]
    public void Random_transforms_depend_on_seed_epoch_and_row_only_not_on_threads_or_order()
    {
        var rows = Enumerable.Range(0, 65).Select(i => new[] { Numbered(9, 11, 3), new HostTensor([], [i]) }).ToArray();
        var source = new InMemoryDataset(["image", "label"], rows, randomAccess: true);
        Dataset pipeline = source.Map([new RandomCrop(8, 8, 2, seed: 42), new RandomHorizontalFlip(0.5, seed: 42)], "image");

        for (int epoch = 0; epoch < 2; epoch++)
        {
            byte[][] sequential = pipeline.Rows(epoch).Select(r => r[0].AsUInt8()).ToArray();
            foreach (int threads in new[] { 1, 2, 7 })
            {
                var parallel = new byte[65][];
                int[] order = ShuffleDataset.Permutation(65, (ulong)threads, epoch);
                Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => parallel[i] = pipeline.GetRow(i, epoch)[0].AsUInt8());
                for (int i = 0; i < 65; i++) Assert.Equal(sequential[i], parallel[i]);
            }
        }
        byte[][] epoch0 = pipeline.Rows(0).Select(r => r[0].AsUInt8()).ToArray();
        byte[][] epoch1 = pipeline.Rows(1).Select(r => r[0].AsUInt8()).ToArray();
        Assert.True(Enumerable.Range(0, 65).Count(i => !epoch0[i].AsSpan().SequenceEqual(epoch1[i])) > 40, "epochs should draw differently");
        Dataset otherSeed = source.Map([new RandomCrop(8, 8, 2, seed: 43), new RandomHorizontalFlip(0.5, seed: 43)], "image");
        byte[][] other = otherSeed.Rows(0).Select(r => r[0].AsUInt8()).ToArray();
        Assert.True(Enumerable.Range(0, 65).Count(i => !epoch0[i].AsSpan().SequenceEqual(other[i])) > 40, "seeds should draw differently");
    }

    [Fact]
    public void RowRandom_below_is_uniform_enough_and_a_pure_function()
    {
        var counts = new int[7];
        for (int row = 0; row < 7000; row++) counts[RowRandom.Below(7, 9, 0, row, 0)]++;
        foreach (int count in counts) Assert.InRange(count, 850, 1150); // mean 1000, sd ~31
        Assert.Equal(RowRandom.Bits(1, 2, 3, 4), RowRandom.Bits(1, 2, 3, 4));
        Assert.NotEqual(RowRandom.Bits(1, 2, 3, 4), RowRandom.Bits(1, 2, 3, 5));
        Assert.NotEqual(RowRandom.Bits(1, 2, 3, 4), RowRandom.Bits(1, 3, 3, 4));
    }
}
