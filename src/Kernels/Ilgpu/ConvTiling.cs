using ILGPU;
using ILGPU.Runtime;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// How the tiled convolution kernel covers one <see cref="ConvGemm"/>: groups of
/// <see cref="GroupSize"/> threads, <see cref="ThreadsY"/>×<see cref="ThreadsX"/>, each thread a 4x4
/// block of outputs, so a <see cref="TileM"/>×<see cref="TileN"/> tile per group (32x32, 16x64 or
/// 8x128: convolutions have few channels, so the tile narrows along them rather than waste rows),
/// and depth cut into <see cref="Splits"/> chunks of <see cref="KChunk"/> (whole 16-deep slices).
/// <para>A pure function of the shape alone (<see cref="Choose"/>), never of the device: the same
/// convolution sums in the same order on a 132-SM GPU, a small one, PoCL and ILGPU's CPU
/// accelerator, and the workspace the memory planner reserves is known before any device is.</para>
/// <para>The tile is the one whose padded area (tiles × tile size) is smallest, 32x32 first on
/// ties. Only the weight gradient splits: its depth is the batch times the output plane (50,176
/// for LeNet's first layer at batch 64) while its output is tiny (6x25), so one group per tile
/// would leave a GPU idle. It splits toward <see cref="TargetGroups"/> groups, at most
/// <see cref="MaxSplits"/> chunks, and never so many that the partial sums
/// (Splits·M·N floats) outgrow the output gradient they reduce (M·K floats). Each chunk's sums go
/// to the workspace and the GEMM's split-K reduction adds them in chunk order: a fixed order, so
/// deterministic. The forward pass and the input gradient have a column per output pixel, enough
/// groups at training batch sizes, and are not split.</para>
/// </summary>
internal readonly record struct ConvTiling(int ThreadsX, int ThreadsY, int Splits, int KChunk)
{
    /// <summary>Threads per group, in every tile shape.</summary>
    public const int GroupSize = 64;

    /// <summary>The tallest tile (rows: channels), which sizes the A tile in shared memory.</summary>
    public const int MaxTileM = 32;

    /// <summary>The widest tile (columns), which sizes the B tile in shared memory.</summary>
    public const int MaxTileN = 128;

    /// <summary>Groups a split weight gradient aims for: two per multiprocessor on a 128-SM GPU, independent of the device that runs it.</summary>
    public const int TargetGroups = 256;

    /// <summary>At most this many depth chunks.</summary>
    public const int MaxSplits = 256;

    /// <summary>Thread shapes (X, Y) tried, in order of preference on ties.</summary>
    private static readonly (int X, int Y)[] Shapes = [(8, 8), (16, 4), (32, 2)];

    public int TileM => GemmTiling.Micro * ThreadsY;
    public int TileN => GemmTiling.Micro * ThreadsX;

    public int TilesM(ConvGemm g) => (g.M + TileM - 1) / TileM;
    public int TilesN(ConvGemm g) => (g.N + TileN - 1) / TileN;

    /// <summary>Groups in the grid: tiles times depth chunks.</summary>
    public long Groups(ConvGemm g) => (long)TilesM(g) * TilesN(g) * Splits;

    /// <summary>Floats of partial sums a split launch needs (Splits·M·N), 0 with one split.</summary>
    public long WorkspaceFloats(ConvGemm g) => Splits > 1 ? (long)Splits * g.M * g.N : 0;

    /// <summary>Grid (tiles along N, tiles along M, depth chunks) and group (ThreadsX, ThreadsY).</summary>
    public KernelConfig Config(ConvGemm g) => new(
        new Index3D(TilesN(g), TilesM(g), Splits),
        new Index3D(ThreadsX, ThreadsY, 1));

    /// <summary>The plan for <paramref name="g"/> (see the type's summary).</summary>
    public static ConvTiling Choose(ConvGemm g)
    {
        int k = Math.Max(1, g.K);
        var best = new ConvTiling(Shapes[0].X, Shapes[0].Y, 1, k);
        long bestArea = PaddedArea(best, g);
        foreach (var (x, y) in Shapes.Skip(1))
        {
            var candidate = new ConvTiling(x, y, 1, k);
            long area = PaddedArea(candidate, g);
            if (area < bestArea) (best, bestArea) = (candidate, area);
        }
        if (g.Pass != ConvPass.Filter) return best;

        long tiles = best.Groups(g);
        int slices = (k + GemmTiling.SliceK - 1) / GemmTiling.SliceK;
        long wanted = (TargetGroups + tiles - 1) / tiles;
        long roomy = Math.Max(1, (long)k / Math.Max(1, g.N)); // Splits·M·N ≤ M·K
        int splits = (int)Math.Min(Math.Min(wanted, roomy), Math.Min(MaxSplits, slices));
        if (splits <= 1) return best;
        // Whole slices per chunk, then as many chunks as that length needs (never an empty one).
        int chunk = (slices + splits - 1) / splits * GemmTiling.SliceK;
        return best with { Splits = (k + chunk - 1) / chunk, KChunk = chunk };
    }

    private static long PaddedArea(ConvTiling t, ConvGemm g) => (long)t.TilesM(g) * t.TileM * t.TilesN(g) * t.TileN;

    public override string ToString() =>
        Splits > 1 ? $"{TileM}x{TileN} tiles, depth split {Splits} ways by {KChunk}" : $"{TileM}x{TileN} tiles";
}
