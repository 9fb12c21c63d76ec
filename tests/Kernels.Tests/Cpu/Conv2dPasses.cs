using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>The native backend's four convolution passes at one shape, and their check against a float64 reference: shared by the tests of each convolution path.</summary>
internal static class Conv2dPasses
{
    /// <summary>Forward (plain, then bias+ReLU), data gradient and filter gradient, each output padded by two NaN sentinels, the workspace full of NaN.</summary>
    public static float[][] Run(CpuBackend backend, Conv2dShape s, float[] x, float[] w, float[] b, float[] dy)
    {
        using var dX = backend.Put(x);
        using var dW = backend.Put(w);
        using var dB = backend.Put(b);
        using var dDy = backend.Put(dy);
        using var y = backend.Filled((int)s.OutputCount + 2, float.NaN);
        using var fused = backend.Filled((int)s.OutputCount + 2, float.NaN);
        using var dx = backend.Filled((int)s.InputCount + 2, float.NaN);
        using var dw = backend.Filled((int)s.WeightCount + 2, float.NaN);
        using var workspace = backend.Filled((int)(backend.Conv2dWorkspaceBytes(s) / sizeof(float)), float.NaN);
        backend.Conv2d(dX, dW, null, y, s, GemmEpilogue.None, workspace);
        backend.Conv2d(dX, dW, dB, fused, s, new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag), workspace);
        backend.Conv2dBackwardData(dDy, dW, dx, s, workspace);
        backend.Conv2dBackwardFilter(dX, dDy, dw, s, workspace);
        return
        [
            backend.Floats(y, (int)s.OutputCount + 2), backend.Floats(fused, (int)s.OutputCount + 2),
            backend.Floats(dx, (int)s.InputCount + 2), backend.Floats(dw, (int)s.WeightCount + 2),
        ];
    }

    /// <summary>Recursive float32 summation of k products: |error| ≤ γ_{k+1}·Σ|term|; and nothing written past the end.</summary>
    public static void Check(float[] got, double[] expected, double[] magnitude, int terms, string what)
    {
        Close.Untouched(got, expected.Length, expected.Length + 2, float.NaN, what + " wrote past its output");
        Close.All(expected, got[..expected.Length], i => Close.Gamma(terms + 1) * magnitude[i], what);
    }
}
