using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// 2-D convolution in NCHW/OIHW and its two gradients. With the tiled GEMM (<see cref="GemmVariant.Tiled"/>,
/// the GPU variant) they run as tiled implicit GEMMs (<see cref="ConvTiledKernel"/>, in
/// Conv2dTiled.cs), the weight gradient split over batch and pixels into the workspace this backend
/// declares. With the other variants (the CPU accelerator's register-blocked one, and the naive
/// baseline) they run as the direct loops below: one thread per element of what each computes
/// (output, input gradient, weight gradient), each a plain sum in a fixed order, no workspace; the
/// correctness baseline, and cheap on the CPU accelerator, where group barriers are not.
/// The forward pass may add the bias and apply ReLU before its store.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, GemmEpilogue, long, int>? conv2d;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, long, int>? conv2dData;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, long, int>? conv2dFilter;

    /// <summary>Whether the convolutions run as tiled implicit GEMMs (with the tiled GEMM) rather than direct loops.</summary>
    public bool ConvolutionsTiled => GemmVariant == GemmVariant.Tiled;

    // Only the family this backend launches is compiled.
    private void LoadConv2d()
    {
        if (ConvolutionsTiled)
        {
            LoadConv2dTiled();
            return;
        }
        conv2d = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, GemmEpilogue, long, int>(Conv2dKernel);
        conv2dData = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, long, int>(Conv2dBackwardDataKernel);
        conv2dFilter = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, long, int>(Conv2dBackwardFilterKernel);
    }

    /// <summary>
    /// The tiled weight gradient's partial sums where it splits (<see cref="ConvTiling.WorkspaceFloats"/>,
    /// a function of the shape alone, never more floats than the output gradient has); nothing for
    /// the direct loops or an unsplit plan.
    /// </summary>
    public long Conv2dWorkspaceBytes(Conv2dShape shape) =>
        ConvolutionsTiled ? ConvTilingFor(ConvGemm.Filter(shape)).WorkspaceFloats(ConvGemm.Filter(shape)) * sizeof(float) : 0;

    /// <summary>The tiled implicit GEMM or the direct loop; either adds the bias and applies ReLU to each sum before the store. Uses no <paramref name="workspace"/>.</summary>
    void ILayerKernels.Conv2d(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, Conv2dShape shape, GemmEpilogue epilogue, DeviceBuffer? workspace)
    {
        if (epilogue.HasMask || epilogue.HasSgd || (epilogue.HasBias && bias is null))
            throw new ArgumentException($"conv2d takes a bias and/or ReLU epilogue (with a bias buffer for the bias), not {epilogue}", nameof(epilogue));
        long count = shape.OutputCount;
        if (count <= 0) return;
        if (ConvolutionsTiled)
        {
            LaunchConvTiled(ConvGemm.Forward(shape), shape, weight, x, y, (bias ?? y).Float(), epilogue, workspace);
            return;
        }
        LaunchCount++;
        int t = Threads((int)Math.Min(count, int.MaxValue));
        conv2d!(t, x.Float(), weight.Float(), (bias ?? y).Float(), y.Float(), shape, epilogue, count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.Conv2dBackwardData(DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape, DeviceBuffer? workspace)
    {
        if (shape.InputCount <= 0) return;
        if (ConvolutionsTiled) LaunchConvTiled(ConvGemm.Data(shape), shape, weight, dy, dx, dx.Float(), GemmEpilogue.None, workspace);
        else LaunchConv(conv2dData!, dy, weight, dx, shape, shape.InputCount);
    }

    /// <summary>The tiled form splits over batch and pixels into <paramref name="workspace"/> when <see cref="Conv2dWorkspaceBytes"/> asks for one, and refuses a smaller one.</summary>
    void ILayerKernels.Conv2dBackwardFilter(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape, DeviceBuffer? workspace)
    {
        if (ConvolutionsTiled) LaunchConvTiled(ConvGemm.Filter(shape), shape, dy, x, dw, dw.Float(), GemmEpilogue.None, workspace);
        else LaunchConv(conv2dFilter!, x, dy, dw, shape, shape.WeightCount);
    }

    private void LaunchConv(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape, long, int> kernel,
        DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, Conv2dShape shape, long count)
    {
        if (count <= 0) return;
        LaunchCount++;
        int t = Threads((int)Math.Min(count, int.MaxValue));
        kernel(t, a.Float(), b.Float(), result.Float(), shape, count, t);
    }

    internal static void Conv2dKernel(Index1D thread, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        Conv2dShape s, GemmEpilogue epilogue, long count, int stride)
    {
        for (long e = thread; e < count; e += stride)
        {
            int ow = (int)(e % s.OW);
            long r = e / s.OW;
            int oh = (int)(r % s.OH);
            r /= s.OH;
            int o = (int)(r % s.O);
            int n = (int)(r / s.O);
            float acc = 0f;
            for (int c = 0; c < s.C; c++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int ih = oh * s.StrideH - s.PadH + kh;
                    if (ih < 0 || ih >= s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int iw = ow * s.StrideW - s.PadW + kw;
                        if (iw < 0 || iw >= s.W) continue;
                        acc += x[((long)(n * s.C + c) * s.H + ih) * s.W + iw] * w[((long)(o * s.C + c) * s.KH + kh) * s.KW + kw];
                    }
                }
            if (epilogue.HasBias) acc += bias[o];
            if (epilogue.HasRelu) acc = acc > 0f ? acc : 0f;
            y[e] = acc;
        }
    }

    internal static void Conv2dBackwardDataKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, Conv2dShape s, long count, int stride)
    {
        for (long e = thread; e < count; e += stride)
        {
            int iw = (int)(e % s.W);
            long r = e / s.W;
            int ih = (int)(r % s.H);
            r /= s.H;
            int c = (int)(r % s.C);
            int n = (int)(r / s.C);
            float acc = 0f;
            for (int o = 0; o < s.O; o++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int oh = ConvTap.Output(ih, kh, s.StrideH, s.PadH, s.OH);
                    if (oh < 0) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int ow = ConvTap.Output(iw, kw, s.StrideW, s.PadW, s.OW);
                        if (ow < 0) continue;
                        acc += dy[((long)(n * s.O + o) * s.OH + oh) * s.OW + ow] * w[((long)(o * s.C + c) * s.KH + kh) * s.KW + kw];
                    }
                }
            dx[e] = acc;
        }
    }

    internal static void Conv2dBackwardFilterKernel(Index1D thread, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw, Conv2dShape s, long count, int stride)
    {
        for (long e = thread; e < count; e += stride)
        {
            int kw = (int)(e % s.KW);
            long r = e / s.KW;
            int kh = (int)(r % s.KH);
            r /= s.KH;
            int c = (int)(r % s.C);
            int o = (int)(r / s.C);
            float acc = 0f;
            for (int n = 0; n < s.N; n++)
                for (int oh = 0; oh < s.OH; oh++)
                {
                    int ih = oh * s.StrideH - s.PadH + kh;
                    if (ih < 0 || ih >= s.H) continue;
                    for (int ow = 0; ow < s.OW; ow++)
                    {
                        int iw = ow * s.StrideW - s.PadW + kw;
                        if (iw < 0 || iw >= s.W) continue;
                        acc += dy[((long)(n * s.O + o) * s.OH + oh) * s.OW + ow] * x[((long)(n * s.C + c) * s.H + ih) * s.W + iw];
                    }
                }
            dw[e] = acc;
        }
    }
}
