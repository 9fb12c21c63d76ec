using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// The tiled convolutions' plan (<see cref="ConvTiling.Choose"/>): a pure function of the shape
/// (no device goes in, so every device sums in the same order and the planner knows the workspace
/// beforehand), checked here with no device. The table is LeNet-5 and ResNet-8 at batch 64, worked
/// out by hand from the rules in <see cref="ConvTiling"/>'s summary.
/// </summary>
public sealed class ConvTilingTests
{
    public static TheoryData<string, int, int, int, int, int, int, int, int> Plans() => new()
    {
        // what, pass, M, N, K, tile M, tile N, splits, chunk, groups (checked as M·N·K fit)
        { "LeNet conv1 forward", (int)ConvPass.Forward, 6, 64 * 784, 25, 8, 128, 1, 392 },
        { "LeNet conv1 weight gradient", (int)ConvPass.Filter, 6, 25, 64 * 784, 32, 32, 242, 242 },
        { "LeNet conv2 forward", (int)ConvPass.Forward, 16, 64 * 100, 150, 16, 64, 1, 100 },
        { "LeNet conv2 input gradient", (int)ConvPass.Data, 6, 64 * 196, 400, 8, 128, 1, 98 },
        { "LeNet conv2 weight gradient", (int)ConvPass.Filter, 16, 150, 64 * 100, 16, 64, 40, 120 },
        { "ResNet-8 64->64 weight gradient", (int)ConvPass.Filter, 64, 576, 64 * 64, 32, 32, 7, 252 },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Plans_lenet_and_resnet8_at_batch_64(string what, int pass, int m, int n, int k, int tileM, int tileN, int splits, int groups)
    {
        var g = GemmOf((ConvPass)pass, m, n, k);
        var t = ConvTiling.Choose(g);
        Assert.True((tileM, tileN, splits, (long)groups) == (t.TileM, t.TileN, t.Splits, t.Groups(g)),
            $"{what}: got {t}, {t.Groups(g)} groups");
    }

    /// <summary>
    /// LeNet's first weight gradient was 150 threads each summing 50,176 products; tiled, it is 242
    /// groups of 64 threads, each chunk 208 products deep, and 242·150 floats of partial sums.
    /// </summary>
    [Fact]
    public void Lenet_conv1_weight_gradient_spreads_over_the_gpu()
    {
        var s = new Conv2dShape(64, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2);
        var g = ConvGemm.Filter(s);
        var t = ConvTiling.Choose(g);
        Assert.Equal((6, 25, 50176), (g.M, g.N, g.K));
        Assert.Equal((242, 208), (t.Splits, t.KChunk));
        Assert.Equal(242L * 150, t.WorkspaceFloats(g));
    }

    /// <summary>
    /// For every shape: the tile is one of the 64-thread shapes with the least padded area, the
    /// forward pass and input gradient never split, and the weight gradient's chunks are whole
    /// 16-deep slices that cover its depth exactly with none empty, within the limits, their partial
    /// sums no larger than the output gradient.
    /// </summary>
    [Fact]
    public void Tiles_are_tightest_and_chunks_cover_the_depth_within_the_limits()
    {
        int[] sizes = [1, 6, 7, 16, 33, 64, 65, 150, 576, 3136, 50176];
        foreach (var pass in new[] { ConvPass.Forward, ConvPass.Data, ConvPass.Filter })
            foreach (int m in sizes.Where(v => v <= 1024))
                foreach (int n in sizes)
                    foreach (int k in sizes)
                    {
                        var g = GemmOf(pass, m, n, k);
                        var t = ConvTiling.Choose(g);
                        string what = $"{g}: {t}";
                        Assert.Equal(ConvTiling.GroupSize, t.ThreadsX * t.ThreadsY);
                        Assert.True(t.TileM <= ConvTiling.MaxTileM && t.TileN <= ConvTiling.MaxTileN, what);
                        long area = (long)t.TilesM(g) * t.TileM * t.TilesN(g) * t.TileN;
                        foreach (var (x, y) in new[] { (8, 8), (16, 4), (32, 2) })
                        {
                            var other = new ConvTiling(x, y, 1, k);
                            Assert.True(area <= (long)other.TilesM(g) * other.TileM * other.TilesN(g) * other.TileN, $"{what}: {other} is tighter");
                        }
                        if (pass != ConvPass.Filter || t.Splits == 1)
                        {
                            Assert.True(t.Splits == 1 || pass == ConvPass.Filter, what);
                            Assert.Equal(Math.Max(1, k), t.KChunk);
                            Assert.Equal(0, t.WorkspaceFloats(g));
                            continue;
                        }
                        Assert.Equal(0, t.KChunk % GemmTiling.SliceK);
                        Assert.True((long)t.Splits * t.KChunk >= k && (long)(t.Splits - 1) * t.KChunk < k, $"{what}: chunks do not cover {k} exactly");
                        Assert.InRange(t.Splits, 2, ConvTiling.MaxSplits);
                        Assert.True(t.WorkspaceFloats(g) <= (long)m * k, $"{what}: {t.WorkspaceFloats(g)} floats of partial sums for an output gradient of {(long)m * k}");
                    }
    }

    [Fact]
    public void A_pass_past_int32_indices_is_refused_with_its_size()
    {
        var s = new Conv2dShape(70000, 1, 200, 200, 1, 1, 1, 1, 1, 0, 0);
        var e = Assert.Throws<ArgumentException>(() => ConvGemm.Forward(s));
        Assert.Equal("a Forward convolution pass of 1x2800000000x1 is past the tiled kernel's int32 index range", e.Message);
    }

    /// <summary>A convolution whose <paramref name="pass"/> is an M×N×K GEMM: 1x1 kernels, stride 1, one output row, so the sizes map straight through.</summary>
    private static ConvGemm GemmOf(ConvPass pass, int m, int n, int k) => pass switch
    {
        ConvPass.Forward => ConvGemm.Forward(new Conv2dShape(1, k, 1, n, m, 1, 1, 1, 1, 0, 0)),
        ConvPass.Data => ConvGemm.Data(new Conv2dShape(1, m, 1, n, k, 1, 1, 1, 1, 0, 0)),
        _ => ConvGemm.Filter(new Conv2dShape(1, n, 1, k, m, 1, 1, 1, 1, 0, 0)),
    };
}
