using Trainer.Cli.Quickstart;
using Trainer.Kernels.Tests.OpenCl;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Loops;

/// <summary>
/// The graph compiler's steps through ILGPU's OpenCL backend (on PoCL, <see cref="PoclBackend"/>):
/// graph mode without fusion launches the same kernels as eager mode and must agree to the bit;
/// with fusion within 1e-4 relative, as on every other backend; and the losses agree with the
/// native CPU backend's (other kernels, other summation orders) within 1e-4 relative.
/// </summary>
public sealed class OpenClModeAgreementTests(ITestOutputHelper output)
{
    private const int Steps = 20;

    /// <summary>The fused graph's bar, as everywhere else (the self-test's mode agreement uses the same).</summary>
    private const double FusedTolerance = 1e-4;

    /// <summary>The largest |e - a| / max(|e|, 1e-30) over the steps; NaN when a loss is not finite, which fails every bound.</summary>
    private static double MaxRelative(float[] expected, float[] actual)
    {
        double max = 0;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            double e = expected[i], a = actual[i];
            if (!double.IsFinite(e) || !double.IsFinite(a)) return double.NaN;
            max = Math.Max(max, Math.Abs(e - a) / Math.Max(Math.Abs(e), 1e-30));
        }
        return max;
    }

    private static (float[] Losses, float[][] Parameters) Train(ModelKind model, ExecutionMode mode, bool fuse, bool native = false)
    {
        var options = new ReferenceOptions { Mode = mode, Fuse = fuse, Seed = 3, Model = model };
        var (losses, parameters, _) = native
            ? JobRun.Train(options with { Device = DeviceRequest.For(Kernels.Device.DeviceKind.Cpu) }, Steps)
            : JobRun.Train(options, Steps, () => new Session(PoclBackend.Open(), "device: opencl (PoCL)"));
        return (losses, parameters);
    }

    [OpenClTheory]
    [InlineData(ModelKind.Mlp)]
    [InlineData(ModelKind.LeNet)]
    public void Graph_mode_agrees_with_eager_mode_on_OpenCL(ModelKind model)
    {
        var eager = Train(model, ExecutionMode.Eager, fuse: false);
        var unfused = Train(model, ExecutionMode.Graph, fuse: false);
        var fused = Train(model, ExecutionMode.Graph, fuse: true);

        Assert.All(eager.Losses, l => Assert.True(float.IsFinite(l)));
        Assert.Equal(eager.Losses, unfused.Losses);
        for (int p = 0; p < eager.Parameters.Length; p++)
            Assert.Equal(eager.Parameters[p], unfused.Parameters[p]);
        double worst = MaxRelative(eager.Losses, fused.Losses);
        Assert.True(worst <= FusedTolerance, $"fused graph against eager: {worst:G3} relative");
        var native = Train(model, ExecutionMode.Graph, fuse: true, native: true);
        double apart = MaxRelative(native.Losses, fused.Losses);
        Assert.True(apart <= FusedTolerance, $"OpenCL against the native cpu backend: {apart:G3} relative");
        Assert.True(eager.Losses[^1] < eager.Losses[0], $"{Steps} steps should lower the loss ({eager.Losses[0]} to {eager.Losses[^1]})");
        output.WriteLine($"{model} on OpenCL (PoCL): unfused graph bit-identical to eager over {Steps} steps, fused within {worst:G3}, " +
            $"native cpu backend within {apart:G3}; loss {eager.Losses[0]} to {eager.Losses[^1]}");
    }
}
