using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The general convolution (<see cref="WindowedKeys.GroupedConv"/>: groups, depthwise among them, and dilation) and its
/// two gradients, direct loops one element at a time: the forward sums over (c, kh, kw) of its group, the input gradient
/// gathers over (o, kh, kw) of its group the taps that land on it, the weight gradient sums over (n, oh, ow), each in that
/// order from zero, so the bits match the ILGPU kernels at any thread count. Groups = 1 with dilation 1 stays on the tuned
/// interface kernels (<c>Conv2d</c> and its gradients).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private void RegisterGroupedConv(KernelTable table)
    {
        table.Register(WindowedKeys.GroupedConv, call =>
        {
            var g = GroupedConvGeometry.For(call.InputShapes[0], call.InputShapes[1], call.OutputShapes[0], call.Axes);
            return BindConv(new GroupedConvRange(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Outputs[0].Float(), g), g.OutputCount, g.CG * g.KH * g.KW);
        });
        table.Register(WindowedKeys.GroupedConvData, call =>
        {
            var g = GroupedConvGeometry.For(call.OutputShapes[0], call.InputShapes[1], call.InputShapes[0], call.Axes);
            return BindConv(new GroupedConvDataRange(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Outputs[0].Float(), g), g.InputCount, g.OG * g.KH * g.KW);
        });
        table.Register(WindowedKeys.GroupedConvFilter, call =>
        {
            var g = GroupedConvGeometry.For(call.InputShapes[0], call.OutputShapes[0], call.InputShapes[1], call.Axes);
            return BindConv(new GroupedConvFilterRange(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Outputs[0].Float(), g), g.WeightCount, g.N * g.OH * g.OW);
        });
    }

    private Action? BindConv<TOp>(TOp op, int count, int perElement) where TOp : struct, IRangeOp
    {
        if (count == 0) return null;
        var work = new RangeWork<TOp> { Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, perElement)) };
        return () => RunRange(work, op, count);
    }

    private readonly struct GroupedConvRange(float* x, float* w, float* y, GroupedConvGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                int ow = (int)(i % g.OW), oh = (int)(i / g.OW % g.OH), o = (int)(i / ((long)g.OW * g.OH) % g.O), n = (int)(i / ((long)g.OW * g.OH * g.O));
                int c0 = o / g.OG * g.CG;
                float acc = 0f;
                for (int c = 0; c < g.CG; c++)
                {
                    float* plane = x + ((long)n * g.C + c0 + c) * g.H * g.W;
                    float* taps = w + ((long)o * g.CG + c) * g.KH * g.KW;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.SH - g.PH + kh * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.SW - g.PW + kw * g.DW;
                            if ((uint)iw >= (uint)g.W) continue;
                            float product = plane[ih * g.W + iw] * taps[kh * g.KW + kw];
                            acc += product;
                        }
                    }
                }
                y[i] = acc;
            }
        }
    }

    private readonly struct GroupedConvDataRange(float* dy, float* w, float* dx, GroupedConvGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                int iw = (int)(i % g.W), ih = (int)(i / g.W % g.H), c = (int)(i / ((long)g.W * g.H) % g.C), n = (int)(i / ((long)g.W * g.H * g.C));
                int group = c / g.CG, o0 = group * g.OG, cg = c - group * g.CG;
                float acc = 0f;
                for (int oi = 0; oi < g.OG; oi++)
                {
                    float* plane = dy + ((long)n * g.O + o0 + oi) * g.OH * g.OW;
                    float* taps = w + ((long)(o0 + oi) * g.CG + cg) * g.KH * g.KW;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int th = ih + g.PH - kh * g.DH;
                        if (th < 0 || th % g.SH != 0 || th / g.SH >= g.OH) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int tw = iw + g.PW - kw * g.DW;
                            if (tw < 0 || tw % g.SW != 0 || tw / g.SW >= g.OW) continue;
                            float product = plane[th / g.SH * g.OW + tw / g.SW] * taps[kh * g.KW + kw];
                            acc += product;
                        }
                    }
                }
                dx[i] = acc;
            }
        }
    }

    private readonly struct GroupedConvFilterRange(float* x, float* dy, float* dw, GroupedConvGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                int kw = (int)(i % g.KW), kh = (int)(i / g.KW % g.KH), cg = (int)(i / ((long)g.KW * g.KH) % g.CG), o = (int)(i / ((long)g.KW * g.KH * g.CG));
                int c = o / g.OG * g.CG + cg;
                float acc = 0f;
                for (int n = 0; n < g.N; n++)
                {
                    float* plane = x + ((long)n * g.C + c) * g.H * g.W;
                    float* grad = dy + ((long)n * g.O + o) * g.OH * g.OW;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + kh * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            int iw = ow * g.SW - g.PW + kw * g.DW;
                            if ((uint)iw >= (uint)g.W) continue;
                            float product = grad[oh * g.OW + ow] * plane[ih * g.W + iw];
                            acc += product;
                        }
                    }
                }
                dw[i] = acc;
            }
        }
    }
}
