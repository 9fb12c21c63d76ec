using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.SelfTest;

/// <summary>The image layers' checks: convolution and its gradients, max pooling and its gradient, the channel bias and its gradient.</summary>
public static partial class KernelSelfTest
{
    /// <summary>Convolution: output, input gradient and weight gradient, one after another, against the float64 scatter loop.</summary>
    private static SelfTestResult CheckConv2d(IKernelBackend backend, Random rng, Conv2dShape s)
    {
        var x = Uniform(rng, (int)s.InputCount, -2f, 2f);
        var w = Uniform(rng, (int)s.WeightCount, -1f, 1f);
        var dy = Uniform(rng, (int)s.OutputCount, -1f, 1f);
        using var buffers = new Buffers(backend);
        var dX = buffers.Put(x);
        var dW = buffers.Put(w);
        var dDy = buffers.Put(dy);
        var dY = buffers.Put(new float[s.OutputCount]);
        var dDx = buffers.Put(new float[s.InputCount]);
        var dDw = buffers.Put(new float[s.WeightCount]);
        var workspace = backend.Conv2dWorkspaceBytes(s) is var bytes and > 0 ? buffers.Put(new float[bytes / sizeof(float)]) : null;
        double ms = Time(backend, () =>
        {
            backend.Conv2d(dX, dW, null, dY, s, GemmEpilogue.None, workspace);
            backend.Conv2dBackwardData(dDy, dW, dDx, s, workspace);
            backend.Conv2dBackwardFilter(dX, dDy, dDw, s, workspace);
        });
        var (ey, eym, edx, edxm, edw, edwm) = ReferenceMath.Conv2d(x, w, dy, s);
        var got = buffers.Get<float>(dY, (int)s.OutputCount).Concat(buffers.Get<float>(dDx, (int)s.InputCount)).Concat(buffers.Get<float>(dDw, (int)s.WeightCount)).ToArray();
        long a = s.OutputCount, b2 = a + s.InputCount;
        return SelfTestComparison.Compare("", ey.Concat(edx).Concat(edw).ToArray(), got, i =>
            i < a ? ErrorBounds.Gemm(s.C * s.KH * s.KW, eym[i])
            : i < b2 ? ErrorBounds.Gemm(s.O * s.KH * s.KW, edxm[i - a])
            : ErrorBounds.Gemm(s.N * s.OH * s.OW, edwm[i - b2]), ms);
    }

    /// <summary>
    /// Max pooling, then its gradient, compared as one vector (y, then dx). The inputs take few
    /// distinct values, so many windows have tied maxima (the first, in row-major order, wins).
    /// Where windows overlap, dx sums several window gradients.
    /// </summary>
    private static SelfTestResult CheckMaxPool2d(IKernelBackend backend, Random rng, Pool2dShape s)
    {
        var x = new float[s.InputCount];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4) == 0 ? (float)(rng.NextDouble() * 4 - 2) : rng.Next(5) - 2f;
        var dy = Uniform(rng, (int)s.OutputCount, -1f, 1f);
        using var buffers = new Buffers(backend);
        var dX = buffers.Put(x);
        var dDy = buffers.Put(dy);
        var dY = buffers.Output((int)s.OutputCount);
        var dDx = buffers.Output((int)s.InputCount);
        double ms = Time(backend, () =>
        {
            backend.MaxPool2d(dX, dY, s);
            backend.MaxPool2dBackward(dX, dDy, dDx, s);
        });
        var (ey, edx) = ReferenceMath.MaxPool2d(x, dy, s);
        var (_, magnitude) = ReferenceMath.MaxPool2d(x, Array.ConvertAll(dy, Math.Abs), s);
        var gotY = buffers.Get<float>(dY, (int)s.OutputCount + Guard);
        var gotDx = buffers.Get<float>(dDx, (int)s.InputCount + Guard);
        int windows = (s.KH + s.StrideH - 1) / s.StrideH * ((s.KW + s.StrideW - 1) / s.StrideW); // windows one element can fall in
        long a = s.OutputCount;
        var result = SelfTestComparison.Compare("", ey.Concat(edx).ToArray(), gotY.AsSpan(0, (int)a).ToArray().Concat(gotDx.AsSpan(0, (int)s.InputCount).ToArray()).ToArray(),
            i => i < a ? 0 : ErrorBounds.Sum(windows, magnitude[i - a]), ms);
        result = SelfTestComparison.CheckGuard(result, gotY.AsSpan((int)a), Sentinel, "pooled output");
        return SelfTestComparison.CheckGuard(result, gotDx.AsSpan((int)s.InputCount), Sentinel, "input gradient");
    }

    /// <summary>
    /// The pooling gradient with the ReLU mask, on a ReLU's output (exact zeros, whole windows of them): the
    /// scatter of dy to each window's first maximum, then +0 wherever the input is not positive.
    /// </summary>
    private static SelfTestResult CheckMaxPool2dReluMask(IKernelBackend backend, Random rng, Pool2dShape s)
    {
        var x = new float[s.InputCount];
        for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0f, rng.Next(3) == 0 ? (float)(rng.NextDouble() * 2 - 1) : rng.Next(4) - 2f);
        var dy = Uniform(rng, (int)s.OutputCount, -1f, 1f);
        using var buffers = new Buffers(backend);
        var dX = buffers.Put(x);
        var dDy = buffers.Put(dy);
        var dDx = buffers.Output((int)s.InputCount);
        double ms = Time(backend, () => backend.MaxPool2dBackward(dX, dDy, dDx, s, reluMask: true));
        var (_, edx) = ReferenceMath.MaxPool2d(x, dy, s);
        var (_, magnitude) = ReferenceMath.MaxPool2d(x, Array.ConvertAll(dy, Math.Abs), s);
        for (int i = 0; i < edx.Length; i++) if (!(x[i] > 0)) edx[i] = 0;
        int windows = (s.KH + s.StrideH - 1) / s.StrideH * ((s.KW + s.StrideW - 1) / s.StrideW);
        return CompareOutput(buffers, dDx, (int)s.InputCount, edx, i => ErrorBounds.Sum(windows, magnitude[i]), ms);
    }

    private static SelfTestResult CheckChannelBiasAdd(IKernelBackend backend, Random rng, int outer, int channels, int inner)
    {
        int count = outer * channels * inner;
        var x = Uniform(rng, count, -3f, 3f);
        var bias = Uniform(rng, channels, -3f, 3f);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var db = buffers.Put(bias);
        var dy = buffers.Output(count);
        double ms = Time(backend, () => backend.ChannelBiasAdd(dx, db, dy, outer, channels, inner));
        var expected = ReferenceMath.ChannelBiasAdd(x, bias, outer, channels, inner);
        return CompareOutput(buffers, dy, count, expected, i => ErrorBounds.OneRounding(expected[i]), ms);
    }

    private static SelfTestResult CheckChannelSum(IKernelBackend backend, Random rng, int outer, int channels, int inner)
    {
        var x = Uniform(rng, outer * channels * inner, -2f, 2f);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var ds = buffers.Output(channels);
        double ms = Time(backend, () => backend.ChannelSum(dx, ds, outer, channels, inner));
        var expected = ReferenceMath.ChannelSum(x, outer, channels, inner, out var magnitude);
        return CompareOutput(buffers, ds, channels, expected, c => ErrorBounds.Sum(outer * inner, magnitude[c]), ms);
    }
}
