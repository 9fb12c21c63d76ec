using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// 2-D convolution in NCHW/OIHW and its two gradients. Stride-1 convolutions with kernels larger
/// than 1x1 take the direct kernels (<see cref="DirectConvGeometry"/>, Conv2dDirect.cs); the rest
/// (strided, 1x1) are im2col + packed GEMM, image by image where the workspace holds a column matrix
/// per worker (Conv2dPerImage.cs), else over the whole batch as below. The column matrix col[(c,kh,kw), (n,oh,ow)] holds the input under each kernel tap (zero in
/// the padding); then
/// <list type="bullet">
/// <item>forward: Y[o, (n,p)] = W[o, ·] · col, copied out to NCHW plane by plane;</item>
/// <item>weight gradient: dW = dYᵀ · colᵀ with dYᵀ[o, (n,p)] = dy[n,o,p], one sum over (n, oh, ow) in order;</item>
/// <item>input gradient: dcol = Wᵀ · dYᵀ, then col2im adds each tap's row of dcol where it lands, taps in (kh, kw) order.</item>
/// </list>
/// Every output is the GEMM's fixed-order fused multiply-add chain, so results do not depend on the
/// thread count (they differ from the ILGPU kernels' plain multiply-then-add loops in the last bits).
/// The column matrix and the channel-major planes live in the caller's workspace (the arena in graph
/// mode, the pool in eager mode): the kernels allocate nothing.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<Im2colOp> im2col = new();
    private readonly RangeWork<PlaneCopyOp> planeCopy = new();
    private readonly RangeWork<Col2imOp> col2im = new();

    /// <summary>
    /// The direct kernels' padded planes and wide grid where they apply (<see cref="DirectConvGeometry.WorkspaceFloats"/>,
    /// never more than im2col's), else the im2col panel and the channel-major planes (<see cref="Conv2dShape.WorkspaceBytes"/>).
    /// </summary>
    public long Conv2dWorkspaceBytes(Conv2dShape shape) =>
        UsesDirect(shape) ? DirectConvGeometry.WorkspaceFloats(shape, Threads) * sizeof(float) : shape.WorkspaceBytes;

    /// <inheritdoc/>
    void ILayerKernels.Conv2d(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, Conv2dShape shape, GemmEpilogue epilogue, DeviceBuffer? workspace)
    {
        if (epilogue.HasMask || epilogue.HasSgd || (epilogue.HasBias && bias is null))
            throw new ArgumentException($"conv2d takes a bias and/or ReLU epilogue (with a bias buffer for the bias), not {epilogue}", nameof(epilogue));
        if (!Launch(shape.OutputCount)) return;
        if (UsesDirect(shape))
        {
            DirectForward(x.Float(), weight.Float(), epilogue.HasBias ? bias!.Float() : null, epilogue.HasRelu, y.Float(), shape, DirectWorkspace(shape, workspace));
            return;
        }
        var (taps, columns) = Workspace(shape, workspace, out float* col, out float* planes);
        if (PerImagePlanes(shape))
        {
            PerImageForward(x.Float(), weight.Float(), epilogue.HasBias ? bias!.Float() : null, epilogue.HasRelu, y.Float(), shape, col);
            return;
        }
        Im2col(x.Float(), col, shape);
        gemm.Run(weight.Float(), col, planes, GemmShape.For(shape.O, columns, taps, false, false), GemmEpilogue.None, null, null);
        CopyPlanes(planes, y.Float(), shape, toNchw: true, epilogue.HasBias ? bias!.Float() : null, epilogue.HasRelu);
    }

    /// <inheritdoc/>
    void ILayerKernels.Conv2dBackwardData(DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape, DeviceBuffer? workspace)
    {
        if (!Launch(shape.InputCount)) return;
        if (UsesDirect(shape))
        {
            DirectBackwardData(dy.Float(), weight.Float(), dx.Float(), shape, DirectWorkspace(shape, workspace));
            return;
        }
        var (taps, columns) = Workspace(shape, workspace, out float* dcol, out float* planes);
        if (PerImagePlanes(shape))
        {
            PerImageBackwardData(dy.Float(), weight.Float(), dx.Float(), shape, dcol);
            return;
        }
        CopyPlanes(dy.Float(), planes, shape, toNchw: false, null, false);
        gemm.Run(weight.Float(), planes, dcol, GemmShape.For(taps, columns, shape.O, true, false), GemmEpilogue.None, null, null);
        col2im.Chunk = 1;
        RunRange(col2im, new Col2imOp(dcol, dx.Float(), shape), (long)shape.N * shape.C);
    }

    /// <inheritdoc/>
    void ILayerKernels.Conv2dBackwardFilter(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape, DeviceBuffer? workspace)
    {
        if (!Launch(shape.WeightCount)) return;
        if (UsesDirect(shape))
        {
            DirectBackwardFilter(x.Float(), dy.Float(), dw.Float(), shape, DirectWorkspace(shape, workspace));
            return;
        }
        var (taps, columns) = Workspace(shape, workspace, out float* col, out float* planes);
        if (PerImageFilter(shape))
        {
            PerImageBackwardFilter(x.Float(), dy.Float(), dw.Float(), shape, col);
            return;
        }
        Im2col(x.Float(), col, shape);
        CopyPlanes(dy.Float(), planes, shape, toNchw: false, null, false);
        gemm.Run(planes, col, dw.Float(), GemmShape.For(shape.O, taps, columns, false, true), GemmEpilogue.None, null, null);
    }

    /// <summary>The workspace split into the column matrix (taps × columns) and the channel-major planes (O × columns) after it.</summary>
    private static (int Taps, int Columns) Workspace(Conv2dShape s, DeviceBuffer? workspace, out float* col, out float* planes)
    {
        var (taps, columns) = ConvSizes(s);
        if (workspace is null || workspace.ByteLength < s.WorkspaceBytes)
            throw new ArgumentException($"convolution {s} needs {s.WorkspaceBytes} bytes of workspace, got {workspace?.ByteLength ?? 0}", nameof(workspace));
        col = workspace.Float();
        planes = col + (long)taps * columns;
        return (taps, columns);
    }

    private float* DirectWorkspace(Conv2dShape s, DeviceBuffer? workspace)
    {
        long bytes = DirectConvGeometry.WorkspaceFloats(s, Threads) * sizeof(float);
        if (workspace is null || workspace.ByteLength < bytes)
            throw new ArgumentException($"convolution {s} needs {bytes} bytes of workspace, got {workspace?.ByteLength ?? 0}", nameof(workspace));
        return workspace.Float();
    }

    /// <summary>Rows of the column matrix (C·KH·KW) and its columns (N·OH·OW), the latter within the GEMM's int range.</summary>
    private static (int Taps, int Columns) ConvSizes(Conv2dShape s)
    {
        long columns = (long)s.N * s.OH * s.OW;
        if (columns > int.MaxValue) throw new ArgumentException($"convolution {s}: {columns} output positions exceed one GEMM");
        return (s.C * s.KH * s.KW, (int)columns);
    }

    private void Im2col(float* x, float* col, Conv2dShape s)
    {
        im2col.Chunk = 1;
        RunRange(im2col, new Im2colOp(x, col, s), (long)s.C * s.KH * s.KW);
    }

    /// <summary>
    /// NCHW [N, O, P] ⇄ [O, N·P]: the same planes of P = OH·OW floats, reordered. Towards NCHW it
    /// may add bias[o] and then apply ReLU on the way, with <see cref="Ops.KernelKeys.ChannelBiasAdd"/>'s and
    /// <see cref="Ops.KernelKeys.Relu"/>'s arithmetic.
    /// </summary>
    private void CopyPlanes(float* from, float* to, Conv2dShape s, bool toNchw, float* bias, bool relu)
    {
        planeCopy.Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, s.OH * s.OW));
        RunRange(planeCopy, new PlaneCopyOp(from, to, s, toNchw, bias, relu), (long)s.N * s.O);
    }

    /// <summary>Rows [start, end) of the column matrix, row r = (c·KH + kh)·KW + kw, every image's part of each (<see cref="ColumnMatrix.Gather"/>).</summary>
    private readonly struct Im2colOp(float* x, float* col, Conv2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            long columns = (long)s.N * s.OH * s.OW;
            for (long r = start; r < end; r++)
                for (int n = 0; n < s.N; n++)
                    ColumnMatrix.Gather(x, n, (int)r, (int)r + 1, col + r * columns + (long)n * s.OH * s.OW, columns, s);
        }
    }

    /// <summary>Planes [start, end), plane q = n·O + o, each OH·OW floats.</summary>
    private readonly struct PlaneCopyOp(float* from, float* to, Conv2dShape s, bool toNchw, float* bias, bool relu) : IRangeOp
    {
        public void Run(long start, long end)
        {
            long p = (long)s.OH * s.OW;
            for (long q = start; q < end; q++)
            {
                long n = q / s.O, o = q % s.O;
                float* nchw = (toNchw ? to : from) + q * p;
                float* wide = (toNchw ? from : to) + (o * s.N + n) * p;
                if (!toNchw) Buffer.MemoryCopy(nchw, wide, p * sizeof(float), p * sizeof(float));
                else if (bias is null && !relu) Buffer.MemoryCopy(wide, nchw, p * sizeof(float), p * sizeof(float));
                else Epilogue(wide, nchw, p, bias is null ? 0f : bias[o], bias is not null, relu);
            }
        }

        /// <summary>y = x (+ b) (then x &gt; 0 ? x : +0), vectorised; the same operations, so the same bits, as the unfused kernels.</summary>
        private static void Epilogue(float* x, float* y, long count, float b, bool addBias, bool relu)
        {
            var vb = new Vector<float>(b);
            long i = 0;
            for (; i + Vector<float>.Count <= count; i += Vector<float>.Count)
            {
                var v = Unsafe.ReadUnaligned<Vector<float>>(x + i);
                if (addBias) v += vb;
                if (relu) v = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, Vector<float>.Zero);
                Unsafe.WriteUnaligned(y + i, v);
            }
            for (; i < count; i++)
            {
                float v = addBias ? x[i] + b : x[i];
                y[i] = relu ? (v > 0f ? v : 0f) : v;
            }
        }
    }

    /// <summary>Input planes [start, end), plane q = n·C + c, each from its image's columns of dcol (<see cref="ColumnMatrix.Scatter"/>).</summary>
    private readonly struct Col2imOp(float* dcol, float* dx, Conv2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            long columns = (long)s.N * s.OH * s.OW;
            for (long q = start; q < end; q++)
            {
                int n = (int)(q / s.C), c = (int)(q % s.C);
                ColumnMatrix.Scatter(dcol + (long)n * s.OH * s.OW, columns, c, dx + q * s.H * s.W, s);
            }
        }
    }
}
