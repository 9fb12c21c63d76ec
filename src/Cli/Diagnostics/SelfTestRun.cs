using System.Globalization;
using Trainer.Kernels.Device;
using Trainer.Kernels.SelfTest;
using Trainer.Training.Loops;
using Trainer.Training;
using Trainer.Training.Hosting;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// <c>trainer selftest</c>'s work: every kernel of the device against its float64 reference, then the
/// eager/graph agreement checks, one printed line per check.
/// </summary>
public static class SelfTestRun
{
    /// <summary>Runs every check on <paramref name="device"/>, writing one line each; returns how many ran and how many failed.</summary>
    public static (int Total, int Failed) Run(DeviceRequest device, TextWriter output)
    {
        var checks = KernelSelfTest.Checks();
        int width = checks.Max(c => c.Name.Length);
        int failed = 0, total = checks.Count;
        DeviceKind opened;
        using (var backend = DeviceCatalog.Open(device.Kind, out var choice, device.Options))
        {
            output.WriteLine(choice);
            output.WriteLine($"gemm kernel: {backend.GemmKernel}");
            opened = backend.Description.Kind;
            foreach (var check in checks)
            {
                var result = check.Run(backend);
                if (!result.Passed) failed++;
                output.WriteLine(Line(result, width));
            }
        }
        foreach (var agreement in ModeAgreementCheck.Run(device))
        {
            total++;
            if (!agreement.Passed) failed++;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(agreement.Passed ? "ok" : "FAIL"),-4} {agreement.Name}   max relative loss difference {agreement.MaxRelativeDifference:0.0e+00}  tolerance {agreement.Tolerance:0.0e+00}"));
        }
        // Whole-step replay exists only on CUDA; elsewhere one line says the check was skipped and it is not counted.
        if (CudaGraphReplayCheck.Run(device, opened) is { } replay)
        {
            total++;
            if (!replay.Passed) failed++;
            output.WriteLine(replay.Line);
        }
        else
        {
            output.WriteLine($"skip {CudaGraphReplayCheck.Name} (the {DeviceKindNames.Name(opened)} device has no CUDA graphs)");
        }
        return (total, failed);
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
