using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The convolutions as implicit GEMMs for GPUs (<see cref="GemmVariant.Tiled"/>): one kernel serves
/// the forward pass, the input gradient and the weight gradient (<see cref="ConvGemm"/>), tiled like
/// the GEMM: 16-deep slices of A and B staged k-major in shared memory, every thread a 4x4 block of
/// outputs in registers, the tile shape and depth split from <see cref="ConvTiling"/>. Nothing is
/// unfolded in memory: each tile element is gathered from the NCHW/OIHW tensors as the tile is
/// filled, consecutive threads taking consecutive addresses (along the output row for im2col and the
/// output gradient, along kw or the pixel for weights and the weight gradient's operands). The weight
/// gradient's depth (batch × pixels) is split into chunks whose partial sums go to the workspace the
/// memory planner reserves (<see cref="Conv2dWorkspaceBytes"/>), then the GEMM's split-K reduction
/// adds them in chunk order.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, ConvGemm, GemmEpilogue, int>? convTiled;

    /// <summary>Shared-memory row lengths of the A and B tiles: the largest tile side plus one, so the transposing stores fall in different banks.</summary>
    private const int ConvATileStride = ConvTiling.MaxTileM + 1, ConvBTileStride = ConvTiling.MaxTileN + 1;

    private void LoadConv2dTiled() =>
        convTiled = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, ConvGemm, GemmEpilogue, int>(ConvTiledKernel);

    /// <summary>The tile shape and depth split the tiled kernel uses for one pass (a function of the shape alone).</summary>
    internal static ConvTiling ConvTilingFor(ConvGemm g) => ConvTiling.Choose(g);

    /// <summary>
    /// Launches <paramref name="g"/>: one launch, or for a split weight gradient the chunks into
    /// <paramref name="workspace"/> and then the reduction into <paramref name="c"/> (two, both counted).
    /// </summary>
    private void LaunchConvTiled(ConvGemm g, Conv2dShape s, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, ArrayView<float> bias, GemmEpilogue epilogue, DeviceBuffer? workspace)
    {
        var tiling = ConvTilingFor(g);
        long floats = tiling.WorkspaceFloats(g);
        if (floats == 0)
        {
            LaunchCount++;
            convTiled!(tiling.Config(g), a.Float(), b.Float(), c.Float(), bias, s, g, epilogue, tiling.KChunk);
            return;
        }
        if (workspace is null || workspace.ByteLength < floats * sizeof(float))
            throw new ArgumentException($"convolution {s} needs {floats * sizeof(float)} bytes of workspace, got {workspace?.ByteLength ?? 0}", nameof(workspace));
        var partials = workspace.Float();
        LaunchCount++;
        convTiled!(tiling.Config(g), a.Float(), b.Float(), partials, bias, s, g, GemmEpilogue.None, tiling.KChunk);
        LaunchCount++;
        var outputs = new GemmShape(g.M, g.N, g.K, g.K, 1, g.N, 1);
        int t = Threads((int)Math.Min(int.MaxValue, (long)g.M * g.N));
        gemmSplitKReduce!(t, partials, c.Float(), bias, bias, outputs, GemmEpilogue.None, tiling.Splits, t);
    }

    /// <summary>
    /// One <see cref="ConvTiling"/> tile and depth chunk of <paramref name="g"/> per group: C[i,j]
    /// summed over k in [IdxZ·kChunk, (IdxZ+1)·kChunk) ∩ [0, K), in order. A and B are the pass's
    /// two tensors (forward: weight and x; input gradient: weight and dy; weight gradient: dy and x).
    /// With one chunk it stores into the pass's output (the forward pass applying the bias and ReLU
    /// epilogue, as <see cref="Ops.KernelKeys.ChannelBiasAdd"/> and <see cref="Ops.KernelKeys.Relu"/> would); with more,
    /// <paramref name="c"/> is the workspace and chunk z stores its raw sums at z·M·N.
    /// <para>The index arithmetic (divisions by the plane, row and kernel sizes) is done once per
    /// column of the tile (at the start) and once per row of each slice (by 16 threads, for the next
    /// slice while the group multiplies the current one), into small shared tables: filling a tile
    /// element then costs two table reads, two adds and a bounds test (<see cref="ConvColumns"/>,
    /// <see cref="ConvRows"/>).</para>
    /// </summary>
    internal static void ConvTiledKernel(
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias,
        Conv2dShape s, ConvGemm g, GemmEpilogue e, int kChunk)
    {
        const int slice = GemmTiling.SliceK;
        var aTile = SharedMemory.Allocate<float>(slice * ConvATileStride);
        var bTile = SharedMemory.Allocate<float>(slice * ConvBTileStride);
        // Per column j of the tile: B's offset and (h, w) parts; per row k of a slice, double-buffered: A's offset, B's offset and (h, w) parts.
        var colBase = SharedMemory.Allocate<long>(ConvTiling.MaxTileN);
        var colH = SharedMemory.Allocate<int>(ConvTiling.MaxTileN);
        var colW = SharedMemory.Allocate<int>(ConvTiling.MaxTileN);
        var rowA = SharedMemory.Allocate<long>(2 * slice);
        var rowBase = SharedMemory.Allocate<long>(2 * slice);
        var rowH = SharedMemory.Allocate<int>(2 * slice);
        var rowW = SharedMemory.Allocate<int>(2 * slice);

        int tx = Group.IdxX, ty = Group.IdxY, sx = Group.DimX, sy = Group.DimY;
        int tid = ty * sx + tx, threads = sx * sy;
        int tileM = GemmTiling.Micro * sy, tileN = GemmTiling.Micro * sx;
        int rowBase0 = Grid.IdxY * tileM, colBase0 = Grid.IdxX * tileN;
        int kBegin = Grid.IdxZ * kChunk, kEnd = Math.Min(g.K, kBegin + kChunk);
        long aStride = g.Pass == ConvPass.Forward ? g.K : g.Pass == ConvPass.Data ? (long)s.KH * s.KW : (long)s.OH * s.OW;

        int oFirst = tid % tileN, kkFirst = tid / tileN, stepO = threads % tileN, stepK = threads / tileN;

        for (int o = tid; o < tileN; o += threads)
            ConvColumns(s, g, colBase0 + o, o, colBase, colH, colW);
        if (tid < slice)
            ConvRows(s, g, kBegin + tid, tid, rowA, rowBase, rowH, rowW);
        Group.Barrier();

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        int buffer = 0;
        for (int k0 = kBegin; k0 < kEnd; k0 += slice)
        {
            int rows = buffer * slice;
            // A along k: consecutive threads take consecutive k, stored transposed (stride 33: no bank conflicts).
            int countA = slice * tileM;
            for (int l = tid; l < countA; l += threads)
            {
                int kk = l % slice, o = l / slice, i = rowBase0 + o;
                aTile[kk * ConvATileStride + o] = i < g.M && k0 + kk < kEnd ? a[rowA[rows + kk] + i * aStride] : 0f;
            }
            // B along the columns (output or input pixels) forward and for the input gradient, along k (pixels) for the weight gradient.
            bool bAlongK = g.Pass == ConvPass.Filter;
            int countB = slice * tileN;
            // Along the columns, element l is (kk, o) = (l / tileN, l % tileN), stepped without dividing:
            // l grows by `threads`, which is a multiple of tileN or less than it.
            int oNext = oFirst, kkNext = kkFirst;
            for (int l = tid; l < countB; l += threads)
            {
                int kk = bAlongK ? l % slice : kkNext;
                int o = bAlongK ? l / slice : oNext;
                oNext += stepO;
                kkNext += stepK;
                if (oNext >= tileN)
                {
                    oNext -= tileN;
                    kkNext++;
                }
                float v = 0f;
                if (colBase0 + o < g.N && k0 + kk < kEnd)
                {
                    int h = colH[o] + rowH[rows + kk], w = colW[o] + rowW[rows + kk];
                    long at = colBase[o] + rowBase[rows + kk];
                    if (g.Pass != ConvPass.Data)
                    {
                        if (h >= 0 && h < s.H && w >= 0 && w < s.W) v = b[at + (long)h * s.W + w];
                    }
                    else
                    {
                        int oh = OutputTap(h, s.StrideH, s.OH), ow = OutputTap(w, s.StrideW, s.OW);
                        if (oh >= 0 && ow >= 0) v = b[at + (long)oh * s.OW + ow];
                    }
                }
                bTile[kk * ConvBTileStride + o] = v;
            }
            Group.Barrier();

            // The next slice's row table, into the other buffer: its last readers finished before the barrier above.
            if (tid < slice && k0 + slice < kEnd)
                ConvRows(s, g, k0 + slice + tid, (buffer ^ 1) * slice + tid, rowA, rowBase, rowH, rowW);

            int kMax = Math.Min(slice, kEnd - k0);
            for (int kk = 0; kk < kMax; kk++)
            {
                int ak = kk * ConvATileStride + ty, bk = kk * ConvBTileStride + tx;
                float x0 = aTile[ak], x1 = aTile[ak + sy], x2 = aTile[ak + 2 * sy], x3 = aTile[ak + 3 * sy];
                float y0 = bTile[bk], y1 = bTile[bk + sx], y2 = bTile[bk + 2 * sx], y3 = bTile[bk + 3 * sx];
                c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
                c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
                c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
                c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
            }
            Group.Barrier();
            buffer ^= 1;
        }

        long chunkOffset = kChunk < g.K ? (long)Grid.IdxZ * g.M * g.N : -1; // -1: unsplit, store into the tensor
        int row = rowBase0 + ty, col = colBase0 + tx;
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row, col, sx, c00, c01, c02, c03);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + sy, col, sx, c10, c11, c12, c13);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + 2 * sy, col, sx, c20, c21, c22, c23);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + 3 * sy, col, sx, c30, c31, c32, c33);
    }

    /// <summary>
    /// Column j's part of B's index, at slot <paramref name="o"/>: forward, output pixel (n, oh, ow)
    /// gives n·C·H·W and the window's corner (oh·sh − ph, ow·sw − pw); input gradient, input pixel
    /// (n, ih, iw) gives n·O·OH·OW and (ih + ph, iw + pw); weight gradient, tap (c, kh, kw) gives
    /// c·H·W and (kh, kw). Columns past N get zeros (never read).
    /// </summary>
    private static void ConvColumns(Conv2dShape s, ConvGemm g, int j, int o, ArrayView<long> colBase, ArrayView<int> colH, ArrayView<int> colW)
    {
        long at = 0;
        int h = 0, w = 0;
        if (j < g.N)
        {
            if (g.Pass == ConvPass.Forward)
            {
                int plane = s.OH * s.OW, n = j / plane, p = j - n * plane, oh = p / s.OW;
                at = (long)n * s.C * s.H * s.W;
                h = oh * s.StrideH - s.PadH;
                w = (p - oh * s.OW) * s.StrideW - s.PadW;
            }
            else if (g.Pass == ConvPass.Data)
            {
                int plane = s.H * s.W, n = j / plane, q = j - n * plane, ih = q / s.W;
                at = (long)n * s.O * s.OH * s.OW;
                h = ih + s.PadH;
                w = q - ih * s.W + s.PadW;
            }
            else
            {
                int taps = s.KH * s.KW, ci = j / taps, tap = j - ci * taps, kh = tap / s.KW;
                at = (long)ci * s.H * s.W;
                h = kh;
                w = tap - kh * s.KW;
            }
        }
        colBase[o] = at;
        colH[o] = h;
        colW[o] = w;
    }

    /// <summary>
    /// Depth k's part of the indices, at slot <paramref name="r"/>: A's offset (A[i,k] = a[rowA + i·stride])
    /// and B's offset and (h, w) parts, which add to the column's: forward, tap (c, kh, kw) gives
    /// c·H·W and (kh, kw); input gradient, (o, kh, kw) gives o·OH·OW and (−kh, −kw); weight
    /// gradient, pixel (n, oh, ow) gives n·C·H·W and the window's corner. Depths past K get zeros (never read).
    /// </summary>
    private static void ConvRows(Conv2dShape s, ConvGemm g, int k, int r, ArrayView<long> rowA, ArrayView<long> rowBase, ArrayView<int> rowH, ArrayView<int> rowW)
    {
        long atA = 0, atB = 0;
        int h = 0, w = 0;
        if (k < g.K)
        {
            if (g.Pass == ConvPass.Filter)
            {
                int plane = s.OH * s.OW, n = k / plane, p = k - n * plane, oh = p / s.OW;
                atA = (long)n * s.O * plane + p;
                atB = (long)n * s.C * s.H * s.W;
                h = oh * s.StrideH - s.PadH;
                w = (p - oh * s.OW) * s.StrideW - s.PadW;
            }
            else
            {
                int taps = s.KH * s.KW, outer = k / taps, tap = k - outer * taps, kh = tap / s.KW, kw = tap - kh * s.KW;
                if (g.Pass == ConvPass.Forward)
                {
                    atA = k;
                    atB = (long)outer * s.H * s.W;
                    h = kh;
                    w = kw;
                }
                else
                {
                    atA = (long)outer * s.C * taps + tap;
                    atB = (long)outer * s.OH * s.OW;
                    h = -kh;
                    w = -kw;
                }
            }
        }
        rowA[r] = atA;
        rowBase[r] = atB;
        rowH[r] = h;
        rowW[r] = w;
    }

    /// <summary>The output position t / stride when <paramref name="t"/> (input position + pad − tap) lands on one in [0, outputs), else −1; no division at stride 1.</summary>
    private static int OutputTap(int t, int stride, int outputs)
    {
        if (t < 0) return -1;
        if (stride == 1) return t < outputs ? t : -1;
        int o = t / stride;
        return o * stride == t && o < outputs ? o : -1;
    }

    /// <summary>Stores one thread's four outputs of row <paramref name="i"/>, columns j, j+step, j+2·step, j+3·step (consecutive threads, consecutive columns: coalesced).</summary>
    private static void ConvStoreRow(
        ArrayView<float> c, ArrayView<float> bias, Conv2dShape s, ConvGemm g, GemmEpilogue e, long chunkOffset,
        int i, int j, int step, float v0, float v1, float v2, float v3)
    {
        if (i >= g.M) return;
        if (j < g.N) ConvStore(c, bias, s, g, e, chunkOffset, i, j, v0);
        if (j + step < g.N) ConvStore(c, bias, s, g, e, chunkOffset, i, j + step, v1);
        if (j + 2 * step < g.N) ConvStore(c, bias, s, g, e, chunkOffset, i, j + 2 * step, v2);
        if (j + 3 * step < g.N) ConvStore(c, bias, s, g, e, chunkOffset, i, j + 3 * step, v3);
    }

    private static void ConvStore(ArrayView<float> c, ArrayView<float> bias, Conv2dShape s, ConvGemm g, GemmEpilogue e, long chunkOffset, int i, int j, float acc)
    {
        if (chunkOffset >= 0)
        {
            c[chunkOffset + (long)i * g.N + j] = acc;
            return;
        }
        if (g.Pass == ConvPass.Filter)
        {
            c[(long)i * g.N + j] = acc; // dw[o, (c, kh, kw)]
            return;
        }
        // Forward: y[n, o, pixel]; input gradient: dx[n, c, pixel]. Columns are (n, pixel).
        int plane = g.Pass == ConvPass.Forward ? s.OH * s.OW : s.H * s.W;
        int n = j / plane;
        if (e.HasBias) acc += bias[i];
        if (e.HasRelu) acc = acc > 0f ? acc : 0f;
        c[((long)n * g.M + i) * plane + (j - n * plane)] = acc;
    }
}
