using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Windowed;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The general convolution (<see cref="WindowedKeys.GroupedConv"/>: groups and dilation) and its two gradients, direct
/// loops one element per thread step: the native backend's sums in the native backend's order, so both give the same bits.
/// </summary>
public sealed partial class IlgpuBackend
{
    private void RegisterGroupedConv(KernelTable table)
    {
        var forward = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GroupedConvGeometry, int>(GroupedConvKernel));
        var data = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GroupedConvGeometry, int>(GroupedConvDataKernel));
        var filter = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GroupedConvGeometry, int>(GroupedConvFilterKernel));
        table.Register(WindowedKeys.GroupedConv, call =>
            BindConv(forward, call, GroupedConvGeometry.For(call.InputShapes[0], call.InputShapes[1], call.OutputShapes[0], call.Axes), g => g.OutputCount));
        table.Register(WindowedKeys.GroupedConvData, call =>
            BindConv(data, call, GroupedConvGeometry.For(call.OutputShapes[0], call.InputShapes[1], call.InputShapes[0], call.Axes), g => g.InputCount));
        table.Register(WindowedKeys.GroupedConvFilter, call =>
            BindConv(filter, call, GroupedConvGeometry.For(call.InputShapes[0], call.OutputShapes[0], call.InputShapes[1], call.Axes), g => g.WeightCount));
    }

    private Action? BindConv(Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GroupedConvGeometry, int>> compiled,
        KernelCall call, GroupedConvGeometry geometry, Func<GroupedConvGeometry, int> count)
    {
        int n = count(geometry);
        if (Empty(n)) return null;
        var kernel = compiled.Value;
        ArrayView<float> a = call.Inputs[0].Float(), b = call.Inputs[1].Float(), y = call.Outputs[0].Float();
        int t = Threads(n);
        return () => kernel(t, a, b, y, geometry, t);
    }

    internal static void GroupedConvKernel(Index1D thread, ArrayView<float> x, ArrayView<float> w, ArrayView<float> y, GroupedConvGeometry g, int stride)
    {
        for (int i = thread; i < g.OutputCount; i += stride)
        {
            int ow = i % g.OW, oh = i / g.OW % g.OH, o = i / (g.OW * g.OH) % g.O, n = i / (g.OW * g.OH * g.O);
            int c0 = o / g.OG * g.CG;
            float acc = 0f;
            for (int c = 0; c < g.CG; c++)
            {
                int plane = (n * g.C + c0 + c) * g.H * g.W, taps = (o * g.CG + c) * g.KH * g.KW;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = oh * g.SH - g.PH + kh * g.DH;
                    if (ih < 0 || ih >= g.H) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = ow * g.SW - g.PW + kw * g.DW;
                        if (iw < 0 || iw >= g.W) continue;
                        float product = x[plane + ih * g.W + iw] * w[taps + kh * g.KW + kw];
                        acc += product;
                    }
                }
            }
            y[i] = acc;
        }
    }

    internal static void GroupedConvDataKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, GroupedConvGeometry g, int stride)
    {
        for (int i = thread; i < g.InputCount; i += stride)
        {
            int iw = i % g.W, ih = i / g.W % g.H, c = i / (g.W * g.H) % g.C, n = i / (g.W * g.H * g.C);
            int group = c / g.CG, o0 = group * g.OG, cg = c - group * g.CG;
            float acc = 0f;
            for (int oi = 0; oi < g.OG; oi++)
            {
                int plane = (n * g.O + o0 + oi) * g.OH * g.OW, taps = ((o0 + oi) * g.CG + cg) * g.KH * g.KW;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int th = ih + g.PH - kh * g.DH;
                    if (th < 0 || th % g.SH != 0 || th / g.SH >= g.OH) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int tw = iw + g.PW - kw * g.DW;
                        if (tw < 0 || tw % g.SW != 0 || tw / g.SW >= g.OW) continue;
                        float product = dy[plane + th / g.SH * g.OW + tw / g.SW] * w[taps + kh * g.KW + kw];
                        acc += product;
                    }
                }
            }
            dx[i] = acc;
        }
    }

    internal static void GroupedConvFilterKernel(Index1D thread, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw, GroupedConvGeometry g, int stride)
    {
        for (int i = thread; i < g.WeightCount; i += stride)
        {
            int kw = i % g.KW, kh = i / g.KW % g.KH, cg = i / (g.KW * g.KH) % g.CG, o = i / (g.KW * g.KH * g.CG);
            int c = o / g.OG * g.CG + cg;
            float acc = 0f;
            for (int n = 0; n < g.N; n++)
            {
                int plane = (n * g.C + c) * g.H * g.W, grad = (n * g.O + o) * g.OH * g.OW;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int ih = oh * g.SH - g.PH + kh * g.DH;
                    if (ih < 0 || ih >= g.H) continue;
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        int iw = ow * g.SW - g.PW + kw * g.DW;
                        if (iw < 0 || iw >= g.W) continue;
                        float product = dy[grad + oh * g.OW + ow] * x[plane + ih * g.W + iw];
                        acc += product;
                    }
                }
            }
            dw[i] = acc;
        }
    }
}
