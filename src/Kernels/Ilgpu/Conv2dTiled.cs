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
    public static ConvTiling ConvTilingFor(ConvGemm g) => ConvTiling.Choose(g);

    /// <summary>
    /// Launches <paramref name="g"/>: one launch, or for a split weight gradient the chunks into
    /// <paramref name="workspace"/> and then the reduction into <paramref name="c"/> (two, both counted).
    /// </summary>
    private void LaunchConvTiled(ConvGemm g, Conv2dShape s, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, ArrayView<float> bias, GemmEpilogue epilogue, DeviceBuffer? workspace)
    {
        var tiling = ConvTilingFor(g);
        long floats = tiling.WorkspaceFloats(g);
        LaunchCount++;
        if (floats == 0)
        {
            convTiled!(tiling.Config(g), a.Float(), b.Float(), c.Float(), bias, s, g, epilogue, tiling.KChunk);
            return;
        }
        if (workspace is null || workspace.ByteLength < floats * sizeof(float))
            throw new ArgumentException($"convolution {s} needs {floats * sizeof(float)} bytes of workspace, got {workspace?.ByteLength ?? 0}", nameof(workspace));
        var partials = workspace.Float();
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
    /// epilogue, as <see cref="ChannelBiasAdd"/> and <see cref="Relu"/> would); with more,
    /// <paramref name="c"/> is the workspace and chunk z stores its raw sums at z·M·N.
    /// </summary>
    internal static void ConvTiledKernel(
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias,
        Conv2dShape s, ConvGemm g, GemmEpilogue e, int kChunk)
    {
        var aTile = SharedMemory.Allocate<float>(GemmTiling.SliceK * ConvATileStride);
        var bTile = SharedMemory.Allocate<float>(GemmTiling.SliceK * ConvBTileStride);
        int tx = Group.IdxX, ty = Group.IdxY, sx = Group.DimX, sy = Group.DimY;
        int tid = ty * sx + tx, threads = sx * sy;
        int tileM = GemmTiling.Micro * sy, tileN = GemmTiling.Micro * sx;
        int rowBase = Grid.IdxY * tileM, colBase = Grid.IdxX * tileN;
        int kBegin = Grid.IdxZ * kChunk, kEnd = Math.Min(g.K, kBegin + kChunk);

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        for (int k0 = kBegin; k0 < kEnd; k0 += GemmTiling.SliceK)
        {
            // A along k: consecutive threads take consecutive k, stored transposed (stride 33: no bank conflicts).
            int countA = GemmTiling.SliceK * tileM;
            for (int l = tid; l < countA; l += threads)
            {
                int kk = l % GemmTiling.SliceK, i = rowBase + l / GemmTiling.SliceK, k = k0 + kk;
                aTile[kk * ConvATileStride + l / GemmTiling.SliceK] = i < g.M && k < kEnd ? ConvA(a, s, g, i, k) : 0f;
            }
            // B along the columns (output pixels) forward and for the input gradient, along k (pixels) for the weight gradient.
            bool bAlongK = g.Pass == ConvPass.Filter;
            int countB = GemmTiling.SliceK * tileN;
            for (int l = tid; l < countB; l += threads)
            {
                int kk = bAlongK ? l % GemmTiling.SliceK : l / tileN;
                int o = bAlongK ? l / GemmTiling.SliceK : l % tileN;
                int j = colBase + o, k = k0 + kk;
                bTile[kk * ConvBTileStride + o] = j < g.N && k < kEnd ? ConvB(b, s, g, k, j) : 0f;
            }
            Group.Barrier();

            int kMax = Math.Min(GemmTiling.SliceK, kEnd - k0);
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
        }

        long chunkOffset = kChunk < g.K ? (long)Grid.IdxZ * g.M * g.N : -1; // -1: unsplit, store into the tensor
        int row = rowBase + ty, col = colBase + tx;
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row, col, sx, c00, c01, c02, c03);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + sy, col, sx, c10, c11, c12, c13);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + 2 * sy, col, sx, c20, c21, c22, c23);
        ConvStoreRow(c, bias, s, g, e, chunkOffset, row + 3 * sy, col, sx, c30, c31, c32, c33);
    }

    /// <summary>A[i,k] of the pass: the weight as [O, C·KH·KW] forward, the weight as [C, O·KH·KW] for the input gradient, dy as [O, N·OH·OW] for the weight gradient.</summary>
    private static float ConvA(ArrayView<float> a, Conv2dShape s, ConvGemm g, int i, int k)
    {
        if (g.Pass == ConvPass.Forward) return a[(long)i * g.K + k];
        if (g.Pass == ConvPass.Data)
        {
            int taps = s.KH * s.KW, o = k / taps;
            return a[((long)o * s.C + i) * taps + (k - o * taps)];
        }
        int plane = s.OH * s.OW, n = k / plane;
        return a[((long)n * s.O + i) * plane + (k - n * plane)];
    }

    /// <summary>B[k,j] of the pass: im2col(x) forward, the output gradient each input pixel receives through tap k for the input gradient, im2col(x)ᵀ for the weight gradient.</summary>
    private static float ConvB(ArrayView<float> b, Conv2dShape s, ConvGemm g, int k, int j)
    {
        if (g.Pass == ConvPass.Forward) return Im2col(b, s, k, j);
        if (g.Pass == ConvPass.Filter) return Im2col(b, s, j, k);
        int taps = s.KH * s.KW, o = k / taps, tap = k - o * taps, kh = tap / s.KW, kw = tap - kh * s.KW;
        int pixels = s.H * s.W, n = j / pixels, q = j - n * pixels, ih = q / s.W, iw = q - ih * s.W;
        int oh = ConvTap.Output(ih, kh, s.StrideH, s.PadH, s.OH);
        int ow = ConvTap.Output(iw, kw, s.StrideW, s.PadW, s.OW);
        return oh < 0 || ow < 0 ? 0f : b[((long)(n * s.O + o) * s.OH + oh) * s.OW + ow];
    }

    /// <summary>The im2col matrix's element at row (c, kh, kw) and column (n, oh, ow): x under that tap of that window, zero in the padding.</summary>
    private static float Im2col(ArrayView<float> x, Conv2dShape s, int row, int column)
    {
        int taps = s.KH * s.KW, c = row / taps, tap = row - c * taps, kh = tap / s.KW, kw = tap - kh * s.KW;
        int plane = s.OH * s.OW, n = column / plane, p = column - n * plane, oh = p / s.OW, ow = p - oh * s.OW;
        int ih = oh * s.StrideH - s.PadH + kh, iw = ow * s.StrideW - s.PadW + kw;
        return ih < 0 || ih >= s.H || iw < 0 || iw >= s.W ? 0f : x[((long)(n * s.C + c) * s.H + ih) * s.W + iw];
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
