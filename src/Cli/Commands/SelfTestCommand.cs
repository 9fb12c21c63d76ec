using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Kernels.SelfTest;
using Trainer.Training.Loops;

namespace Trainer.Cli.Commands;

/// <summary>`trainer selftest`: every kernel of the chosen device against the float64 reference.</summary>
public static class SelfTestCommand
{
    public const string Usage =
        "usage: trainer selftest [--device auto|cuda|opencl|cpu|ilgpu-cpu] [--threads N]\n" +
        "  Runs every kernel on the device against independent float64 loops, on seeded random inputs at\n" +
        "  awkward sizes (GEMM in all three layouts with every epilogue, up to the MLP's 64x512x784), and\n" +
        "  prints one line per check: ok or FAIL, its name, the error and the bound of the element closest\n" +
        "  to its bound (bounds scale with the magnitude of what was summed), and the kernel's time.\n" +
        "  Then trains 20 steps in eager mode, graph mode without fusion (must match eager bit for bit)\n" +
        "  and fused graph mode (within 1e-4 relative). Exit code 0 when every check passes, 1 otherwise.\n" +
        DeviceHelp.Text;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var r = new ArgumentReader("selftest", args, ["--device", "--threads"], []);
        var device = r.Device();
        var options = r.DeviceOptions(device);
        var checks = KernelSelfTest.Checks();
        int width = checks.Max(c => c.Name.Length);
        int failed = 0, total = checks.Count;
        using (var backend = DeviceCatalog.Open(device, out var choice, options))
        {
            output.WriteLine(choice);
            output.WriteLine($"gemm kernel: {backend.GemmKernel}");
            foreach (var check in checks)
            {
                var result = check.Run(backend);
                if (!result.Passed) failed++;
                output.WriteLine(Line(result, width));
            }
        }
        foreach (var agreement in ModeAgreementCheck.Run(device, options: options))
        {
            total++;
            if (!agreement.Passed) failed++;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(agreement.Passed ? "ok" : "FAIL"),-4} {agreement.Name}   max relative loss difference {agreement.MaxRelativeDifference:0.0e+00}  tolerance {agreement.Tolerance:0.0e+00}"));
        }
        output.WriteLine($"selftest: {total} checks, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One aligned line: <c>ok   gemm nt 64x512x784 bias+relu   max err 3.1e-06  bound 4.2e-05     1.2 ms</c>, plus why on failure.</summary>
    public static string Line(SelfTestResult result, int nameWidth)
    {
        var inv = CultureInfo.InvariantCulture;
        string line = string.Create(inv,
            $"{(result.Passed ? "ok" : "FAIL"),-4} {result.Name.PadRight(nameWidth)}   max err {Number(result.MaxError)}  bound {Number(result.Bound)}  {result.ElapsedMs,8:F1} ms");
        return result.Detail is null ? line : $"{line}   ({result.Detail})";
    }

    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("0.0e+00", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture).PadLeft(7);
}
