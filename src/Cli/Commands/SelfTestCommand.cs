using Trainer.Training.Hosting;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli.Commands;

/// <summary>`trainer selftest`: every kernel of the chosen device against the float64 reference.</summary>
public static class SelfTestCommand
{
    public static readonly OptionTable Options = new(CommonOptions.Device, CommonOptions.Threads);

    public static readonly string Usage =
        "usage: trainer selftest [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N]\n" +
        "  Runs every kernel on the device against independent float64 loops, on seeded random inputs at\n" +
        "  awkward sizes (GEMM in all three layouts with every epilogue, up to the MLP's 64x512x784), and\n" +
        "  prints one line per check: ok or FAIL, its name, the error and the bound of the element closest\n" +
        "  to its bound (bounds scale with the magnitude of what was summed), and the kernel's time.\n" +
        "  Then trains 20 steps in eager mode, graph mode without fusion (must match eager bit for bit)\n" +
        "  and fused graph mode (within 1e-4 relative). On CUDA, trains 3 steps with direct launches and\n" +
        "  3 replayed as a CUDA graph (must match bit for bit); elsewhere that check is skipped.\n" +
        "  Exit code 0 when every check passes, 1 otherwise.\n" +
        Options.Text +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = Options.Read("selftest", args);
        var (total, failed) = SelfTestRun.Run(r.Device(), output);
        output.WriteLine($"selftest: {total} checks, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
