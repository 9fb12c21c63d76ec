using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// How the tiled GEMM covers one shape: a group of <see cref="ThreadsY"/>×<see cref="ThreadsX"/>
/// threads computes a <see cref="TileM"/>×<see cref="TileN"/> output tile (a 4x4 block per thread),
/// and K is cut into <see cref="Splits"/> chunks of <see cref="KChunk"/> (a multiple of the
/// 16-deep slice), one group per tile and chunk. With one split the kernel applies the epilogue
/// and stores C; with more, each chunk's partial sums go to a workspace of Splits·M·N floats and
/// a second kernel adds them in chunk order and applies the epilogue once.
/// <para>The choice, from M, N, K and the device's multiprocessor count P (<see cref="Choose"/>):
/// 64x64 tiles when they alone give P groups or more; otherwise 32x32 tiles (four times as many
/// groups, a quarter of the threads each); and when even those give fewer than P groups, K is
/// split so the grid reaches about 2·P groups, at most <see cref="MaxSplits"/> splits and never a
/// chunk shorter than one slice. A batch-64 MLP on a 132-multiprocessor GPU gets 8 groups per
/// layer from 64x64 tiles alone; this plan gives it 150 to 300.</para>
/// </summary>
internal readonly record struct GemmTiling(int ThreadsX, int ThreadsY, int Splits, int KChunk)
{
    /// <summary>Outputs per thread along each axis: every thread computes a Micro×Micro block.</summary>
    public const int Micro = 4;

    /// <summary>Depth of the K-slice staged in shared memory per barrier pair.</summary>
    public const int SliceK = 16;

    /// <summary>The largest tile side, which sizes the shared-memory tiles.</summary>
    public const int MaxTile = 64;

    /// <summary>The largest group the tiled GEMM launches (64x64 tiles: 16x16 threads).</summary>
    public const int MaxGroupSize = (MaxTile / Micro) * (MaxTile / Micro);

    /// <summary>At most this many K-chunks: beyond it the workspace and the reduction's reads grow for little gain.</summary>
    public const int MaxSplits = 16;

    public int TileM => Micro * ThreadsY;
    public int TileN => Micro * ThreadsX;

    public int GroupSize => ThreadsX * ThreadsY;

    /// <summary>Groups in the grid: tiles times K-chunks.</summary>
    public long Groups(GemmShape s) => (long)TilesN(s) * TilesM(s) * Splits;

    private int TilesM(GemmShape s) => (s.M + TileM - 1) / TileM;
    private int TilesN(GemmShape s) => (s.N + TileN - 1) / TileN;

    /// <summary>Floats of partial sums a split launch needs (Splits·M·N), 0 with one split.</summary>
    public long WorkspaceFloats(GemmShape s) => Splits > 1 ? (long)Splits * s.M * s.N : 0;

    /// <summary>Grid (tiles along N, tiles along M, K-chunks) and group (ThreadsX, ThreadsY).</summary>
    public KernelConfig Config(GemmShape s) => new(
        new Index3D(TilesN(s), TilesM(s), Splits),
        new Index3D(ThreadsX, ThreadsY, 1));

    /// <summary>The plan for <paramref name="s"/> on a device with <paramref name="multiprocessors"/> multiprocessors (see the type's summary).</summary>
    public static GemmTiling Choose(GemmShape s, int multiprocessors)
    {
        int p = Math.Max(1, multiprocessors);
        int k = Math.Max(1, s.K);
        var large = new GemmTiling(16, 16, 1, k);
        if (large.Groups(s) >= p) return large;
        var small = new GemmTiling(8, 8, 1, k);
        long tiles = small.Groups(s);
        if (tiles >= p) return small;

        int slices = (k + SliceK - 1) / SliceK;
        int wanted = (int)Math.Min(MaxSplits, (2L * p + tiles - 1) / tiles);
        int splits = Math.Min(wanted, slices);
        if (splits <= 1) return small;
        // Whole slices per chunk, then as many chunks as that chunk length needs (never an empty one).
        int chunk = (slices + splits - 1) / splits * SliceK;
        return new GemmTiling(8, 8, (k + chunk - 1) / chunk, chunk);
    }

    public override string ToString() =>
        Splits > 1 ? $"{TileM}x{TileN} tiles, K split {Splits} ways by {KChunk}" : $"{TileM}x{TileN} tiles";
}
