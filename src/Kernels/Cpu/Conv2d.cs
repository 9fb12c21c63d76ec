using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Direct 2-D convolution in NCHW/OIHW and its two gradients, split over what each computes (output,
/// input gradient, weight gradient) with each element one plain sum in the ILGPU kernels' order, so
/// the two backends agree bit for bit and results do not depend on the thread count. Scalar: the
/// correctness baseline; an im2col + packed-GEMM form is the fast path still to come.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ConvForwardOp> convForward = new();
    private readonly RangeWork<ConvDataOp> convData = new();
    private readonly RangeWork<ConvFilterOp> convFilter = new();

    public void Conv2d(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer y, Conv2dShape shape)
    {
        if (!Launch(shape.OutputCount)) return;
        convForward.Chunk = ConvChunk(shape.C * shape.KH * shape.KW);
        RunRange(convForward, new ConvForwardOp(x.Float(), weight.Float(), y.Float(), shape), shape.OutputCount);
    }

    public void Conv2dBackwardData(DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape)
    {
        if (!Launch(shape.InputCount)) return;
        convData.Chunk = ConvChunk(shape.O * shape.KH * shape.KW);
        RunRange(convData, new ConvDataOp(dy.Float(), weight.Float(), dx.Float(), shape), shape.InputCount);
    }

    public void Conv2dBackwardFilter(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape)
    {
        if (!Launch(shape.WeightCount)) return;
        convFilter.Chunk = ConvChunk(shape.N * shape.OH * shape.OW);
        RunRange(convFilter, new ConvFilterOp(x.Float(), dy.Float(), dw.Float(), shape), shape.WeightCount);
    }

    /// <summary>Elements per task so that a task does about ElementwiseChunk multiply-adds.</summary>
    private static int ConvChunk(int termsPerElement) => Math.Max(1, ElementwiseChunk / Math.Max(1, termsPerElement));

    private readonly struct ConvForwardOp(float* x, float* w, float* y, Conv2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long e = start; e < end; e++)
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
                        float* xr = x + ((long)(n * s.C + c) * s.H + ih) * s.W;
                        float* wr = w + ((long)(o * s.C + c) * s.KH + kh) * s.KW;
                        for (int kw = 0; kw < s.KW; kw++)
                        {
                            int iw = ow * s.StrideW - s.PadW + kw;
                            if (iw < 0 || iw >= s.W) continue;
                            acc += xr[iw] * wr[kw];
                        }
                    }
                y[e] = acc;
            }
        }
    }

    private readonly struct ConvDataOp(float* dy, float* w, float* dx, Conv2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long e = start; e < end; e++)
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
                        int th = ih + s.PadH - kh;
                        if (th < 0 || th % s.StrideH != 0 || th / s.StrideH >= s.OH) continue;
                        int oh = th / s.StrideH;
                        for (int kw = 0; kw < s.KW; kw++)
                        {
                            int tw = iw + s.PadW - kw;
                            if (tw < 0 || tw % s.StrideW != 0 || tw / s.StrideW >= s.OW) continue;
                            int ow = tw / s.StrideW;
                            acc += dy[((long)(n * s.O + o) * s.OH + oh) * s.OW + ow] * w[((long)(o * s.C + c) * s.KH + kh) * s.KW + kw];
                        }
                    }
                dx[e] = acc;
            }
        }
    }

    private readonly struct ConvFilterOp(float* x, float* dy, float* dw, Conv2dShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long e = start; e < end; e++)
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
                        float* dyr = dy + ((long)(n * s.O + o) * s.OH + oh) * s.OW;
                        float* xr = x + ((long)(n * s.C + c) * s.H + ih) * s.W;
                        for (int ow = 0; ow < s.OW; ow++)
                        {
                            int iw = ow * s.StrideW - s.PadW + kw;
                            if (iw < 0 || iw >= s.W) continue;
                            acc += dyr[ow] * xr[iw];
                        }
                    }
                dw[e] = acc;
            }
        }
    }
}
