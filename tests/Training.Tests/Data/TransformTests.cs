using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class TransformTests
{
    public static TheoryData<int, int, int> AwkwardShapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 7, 1, 3 }, { 3, 7, 1 }, { 7, 3, 7 }, { 28, 28, 1 },
    };

    [Theory]
    [MemberData(nameof(AwkwardShapes))]
    public void Rescale_MatchesFloat64Reference_ForEveryInputType(int h, int w, int c)
    {
        var random = new SeededRandom((ulong)(h * 100 + w * 10 + c));
        int n = h * w * c;
        byte[] bytes = Enumerable.Range(0, n).Select(_ => (byte)random.NextInt(256)).ToArray();
        int[] ints = Enumerable.Range(0, n).Select(_ => random.NextInt(2_000_001) - 1_000_000).ToArray();
        float[] floats = Enumerable.Range(0, n).Select(_ => random.NextUniform(-50f, 50f)).ToArray();
        var rescale = new Rescale(1f / 255f, -0.5f);

        AssertRescaled(rescale, new HostTensor([h, w, c], bytes), bytes.Select(b => (double)b).ToArray());
        AssertRescaled(rescale, new HostTensor([h, w, c], ints), ints.Select(i => (double)i).ToArray());
        AssertRescaled(rescale, new HostTensor([h, w, c], floats), floats.Select(f => (double)f).ToArray());
    }

    private static void AssertRescaled(Rescale rescale, HostTensor input, double[] x)
    {
        HostTensor output = rescale.Apply(input);
        Assert.Equal(DType.Float32, output.DType);
        Assert.Equal(input.Shape, output.Shape);
        Assert.Equal(input.Shape, rescale.OutputShape(input.Shape));
        float[] y = output.AsFloat();
        for (int i = 0; i < x.Length; i++)
        {
            double expected = x[i] * rescale.Scale + rescale.Shift;
            AssertClose(expected, y[i]);
        }
    }

    [Fact]
    public void Rescale_UInt8_IsExactlyFloatMultiplyThenAdd()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        float scale = 1f / 255f;
        float[] y = new Rescale(scale, 0.25f).Apply(new HostTensor([256], all)).AsFloat();
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal((float)i * scale + 0.25f, y[i]);
        }
    }

    [Theory]
    [MemberData(nameof(AwkwardShapes))]
    public void Normalize_PerChannel_MatchesFloat64Reference(int h, int w, int c)
    {
        var random = new SeededRandom((ulong)(h * 31 + w * 7 + c));
        float[] x = Enumerable.Range(0, h * w * c).Select(_ => random.NextUniform(-3f, 3f)).ToArray();
        float[] mean = Enumerable.Range(0, c).Select(_ => random.NextUniform(-1f, 1f)).ToArray();
        float[] std = Enumerable.Range(0, c).Select(_ => random.NextUniform(0.05f, 4f)).ToArray();
        var normalize = new Normalize(mean, std);

        HostTensor output = normalize.Apply(new HostTensor([h, w, c], x));

        Assert.Equal([h, w, c], output.Shape);
        float[] y = output.AsFloat();
        for (int i = 0; i < x.Length; i++)
        {
            int channel = i % c;
            double expected = ((double)x[i] - mean[channel]) / std[channel];
            AssertClose(expected, y[i]);
        }
    }

    [Fact]
    public void Normalize_SingleMeanStd_AppliesToAllChannels_AndAcceptsHw()
    {
        var random = new SeededRandom(77);
        float[] x = Enumerable.Range(0, 7 * 3 * 3).Select(_ => random.NextUniform(0f, 1f)).ToArray();
        var normalize = new Normalize(0.1307f, 0.3081f);
        float[] hwc = normalize.Apply(new HostTensor([7, 3, 3], x)).AsFloat();
        float[] hw = normalize.Apply(new HostTensor([7, 9], x)).AsFloat();
        for (int i = 0; i < x.Length; i++)
        {
            AssertClose((x[i] - (double)0.1307f) / 0.3081f, hwc[i]);
            Assert.Equal(hwc[i], hw[i]);
        }
    }

    [Fact]
    public void Normalize_Errors_AreOneLineAndExact()
    {
        var normalize = new Normalize(0.1307f, 0.3081f);
        Assert.Equal("Normalize: expected a float32 image, got uint8 [28,28,1]",
            Assert.Throws<DatasetException>(() => normalize.Apply(new HostTensor([28, 28, 1], new byte[784]))).Message);
        Assert.Equal("Normalize: expected an [H,W,C] or [H,W] image, got float32 [5]",
            Assert.Throws<DatasetException>(() => normalize.Apply(new HostTensor([5], new float[5]))).Message);
        Assert.Equal("Normalize: expected an [H,W,C] or [H,W] image, got [1,2,3,4]",
            Assert.Throws<DatasetException>(() => normalize.OutputShape([1, 2, 3, 4])).Message);

        var rgb = new Normalize([0.5f, 0.5f, 0.5f], [0.2f, 0.2f, 0.2f]);
        Assert.Equal("Normalize: expected an image with 3 channels, got float32 [28,28,1]",
            Assert.Throws<DatasetException>(() => rgb.Apply(new HostTensor([28, 28, 1], new float[784]))).Message);

        Assert.Equal("Normalize: std must be > 0 and finite, got 0 for channel 0",
            Assert.Throws<DatasetException>(() => new Normalize(0.5f, 0f)).Message);
        Assert.Equal("Normalize: std must be > 0 and finite, got -1 for channel 1",
            Assert.Throws<DatasetException>(() => new Normalize([0f, 0f], [1f, -1f])).Message);
        Assert.Equal("Normalize: mean has 2 channels but std has 1",
            Assert.Throws<DatasetException>(() => new Normalize([0f, 0f], [1f])).Message);
    }

    [Theory]
    [MemberData(nameof(AwkwardShapes))]
    public void HWC2CHW_MovesEveryElement_ForEveryType(int h, int w, int c)
    {
        int n = h * w * c;
        int[] ints = Enumerable.Range(0, n).Select(i => i * 3 + 1).ToArray();
        var transform = new HWC2CHW();
        Assert.Equal([c, h, w], transform.OutputShape([h, w, c]));

        HostTensor fromInt = transform.Apply(new HostTensor([h, w, c], ints));
        HostTensor fromFloat = transform.Apply(new HostTensor([h, w, c], ints.Select(i => (float)i).ToArray()));
        HostTensor fromByte = transform.Apply(new HostTensor([h, w, c], ints.Select(i => (byte)i).ToArray()));

        Assert.Equal([c, h, w], fromInt.Shape);
        Assert.Equal(DType.Float32, fromFloat.DType);
        Assert.Equal(DType.UInt8, fromByte.DType);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    int source = (y * w + x) * c + ch;
                    int target = (ch * h + y) * w + x;
                    Assert.Equal(ints[source], fromInt.AsInt32()[target]);
                    Assert.Equal(ints[source], fromFloat.AsFloat()[target]);
                    Assert.Equal((byte)ints[source], fromByte.AsUInt8()[target]);
                }
            }
        }
    }

    [Fact]
    public void HWC2CHW_RejectsNonRank3()
    {
        Assert.Equal("HWC2CHW: expected an [H,W,C] image, got uint8 [28,28]",
            Assert.Throws<DatasetException>(() => new HWC2CHW().Apply(new HostTensor([28, 28], new byte[784]))).Message);
    }

    [Fact]
    public void TypeCast_UInt8ToInt32AndFloat32_IsExact()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        HostTensor input = new([16, 16], all);
        HostTensor asInt = new TypeCast(DType.Int32).Apply(input);
        HostTensor asFloat = new TypeCast(DType.Float32).Apply(input);
        Assert.Equal([16, 16], asInt.Shape);
        Assert.Equal(Enumerable.Range(0, 256), asInt.AsInt32());
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (float)i), asFloat.AsFloat());
        Assert.Equal(all, new TypeCast(DType.UInt8).Apply(input).AsUInt8());
        Assert.NotSame(all, new TypeCast(DType.UInt8).Apply(input).AsUInt8());
    }

    [Fact]
    public void TypeCast_FloatToIntegers_TruncatesAndClamps()
    {
        float[] x = [2.7f, -2.7f, 0.5f, -0.5f, 254.9f, 255.5f, 300f, -1f, float.NaN, 1e10f, -1e10f, 2147483520f];
        HostTensor input = new([x.Length], x);
        Assert.Equal([2, -2, 0, 0, 254, 255, 300, -1, 0, int.MaxValue, int.MinValue, 2147483520],
            new TypeCast(DType.Int32).Apply(input).AsInt32());
        Assert.Equal(new byte[] { 2, 0, 0, 0, 254, 255, 255, 0, 0, 255, 0, 255 },
            new TypeCast(DType.UInt8).Apply(input).AsUInt8());
    }

    [Fact]
    public void TypeCast_Int32ToOthers()
    {
        int[] x = [-5, 0, 17, 255, 256, 16_777_217];
        HostTensor input = new([2, 3], x);
        Assert.Equal(new byte[] { 0, 0, 17, 255, 255, 255 }, new TypeCast(DType.UInt8).Apply(input).AsUInt8());
        Assert.Equal(x.Select(i => (float)i), new TypeCast(DType.Float32).Apply(input).AsFloat());
        Assert.Equal(x, new TypeCast(DType.Int32).Apply(input).AsInt32());
    }

    [Fact]
    public void Transforms_DoNotModifyTheirInput()
    {
        float[] x = [0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f];
        float[] copy = (float[])x.Clone();
        var input = new HostTensor([1, 2, 3], x);
        new Rescale(2f, 1f).Apply(input);
        new Normalize(1f, 2f).Apply(input);
        new HWC2CHW().Apply(input);
        new TypeCast(DType.Int32).Apply(input);
        Assert.Equal(copy, x);
        Assert.Equal([1, 2, 3], input.Shape);
    }

    /// <summary>float32 result within a few float ulps of the float64 reference, scaled to its magnitude.</summary>
    private static void AssertClose(double expected, float actual)
    {
        double tolerance = 1e-6 * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"expected {expected:R}, got {actual:R}");
    }
}
