using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// The tiled GEMM's plan (<see cref="GemmTiling.Choose"/>): a pure function of the shape and the
/// multiprocessor count, so it is checked here with no device. The table is what an H100/H200
/// (132 multiprocessors) runs for the 784-512-512-10 MLP at batch 64.
/// </summary>
public sealed class GemmTilingTests
{
    private const int H200 = 132;

    public static TheoryData<string, int, int, int, int, int, int, long> MlpPlans() => new()
    {
        // what, M, N, K, tile side, splits, chunk, groups
        { "layer 1 forward 64x512x784", 64, 512, 784, 32, 9, 96, 288 },
        { "layer 2 forward / dH1 64x512x512", 64, 512, 512, 32, 8, 64, 256 },
        { "layer 3 forward 64x10x512", 64, 10, 512, 32, 16, 32, 32 },
        { "dH2 64x512x10", 64, 512, 10, 32, 1, 10, 32 },
        { "dX 64x784x512", 64, 784, 512, 32, 6, 96, 300 },
        { "dW3 10x512x64", 10, 512, 64, 32, 4, 16, 64 },
        { "dW2 512x512x64", 512, 512, 64, 32, 1, 64, 256 },
        { "dW1 512x784x64", 512, 784, 64, 32, 1, 64, 400 },
        { "batch 1024: 1024x512x784", 1024, 512, 784, 32, 1, 784, 512 },
        { "batch 2048: 2048x512x784", 2048, 512, 784, 64, 1, 784, 256 },
    };

    [Theory]
    [MemberData(nameof(MlpPlans))]
    public void Plans_the_mlp_gemms_for_132_multiprocessors(string what, int m, int n, int k, int tile, int splits, int chunk, long groups)
    {
        var shape = GemmShape.For(m, n, k, false, false);
        var t = GemmTiling.Choose(shape, H200);
        Assert.True((tile, tile, splits, chunk, groups) == (t.TileM, t.TileN, t.Splits, t.KChunk, t.Groups(shape)),
            $"{what}: got {t} ({t.KChunk}-deep chunks), {t.Groups(shape)} groups");
    }

    [Fact]
    public void One_multiprocessor_keeps_64x64_tiles_and_one_chunk()
    {
        foreach (var (m, n, k) in new[] { (64, 512, 784), (1, 1, 1), (512, 784, 64), (7, 5, 0) })
        {
            var t = GemmTiling.Choose(GemmShape.For(m, n, k, false, false), 1);
            Assert.Equal((64, 64, 1), (t.TileM, t.TileN, t.Splits));
        }
    }

    /// <summary>For every shape and device size: chunks are whole slices, cover K exactly with none empty, and fit the limits.</summary>
    [Fact]
    public void Chunks_cover_k_exactly_within_the_limits()
    {
        int[] sizes = [1, 7, 10, 16, 17, 63, 64, 65, 257, 512, 783, 784, 4096];
        foreach (int p in new[] { 1, 8, 46, 132, 1000 })
            foreach (int m in sizes)
                foreach (int n in sizes)
                    foreach (int k in sizes)
                    {
                        var s = GemmShape.For(m, n, k, false, false);
                        var t = GemmTiling.Choose(s, p);
                        string at = $"{m}x{n}x{k} on {p}: {t}";
                        Assert.True(t.Splits >= 1 && t.Splits <= GemmTiling.MaxSplits, at);
                        Assert.True(t.GroupSize <= GemmTiling.MaxGroupSize, at);
                        if (t.Splits == 1) continue;
                        Assert.True(t.KChunk % GemmTiling.SliceK == 0, at);
                        Assert.True((long)(t.Splits - 1) * t.KChunk < k && k <= (long)t.Splits * t.KChunk, at);
                        Assert.Equal((long)t.Splits * m * n, t.WorkspaceFloats(s));
                    }
    }
}
