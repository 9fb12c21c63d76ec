using System.Globalization;
using Trainer.Training.Loops;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli.Commands;

/// <summary>
/// `trainer compare --locate eager|unfused [--tolerance 1e-6]`: one training step replayed node by node
/// in the reference and as the fused graph; prints the first node that differs, or that all agree.
/// Exit 0 when every node agrees, 1 when one does not.
/// </summary>
public static class CompareLocate
{
    public static readonly CommandOption Locate = new("--locate", "REF",
        "replay one step node by node, fused graph against eager or unfused (graph without fusion); name the first node that differs (default off)");

    public static readonly CommandOption Tolerance = new("--tolerance", "X",
        "with --locate: largest error allowed, relative to each tensor's largest magnitude; 0 asks for equal bits (default 1e-6)");

    public const double DefaultTolerance = 1e-6;

    /// <summary>Reads --locate and --tolerance; null when --locate is absent (and then --tolerance is an error).</summary>
    public static (ParityReference Reference, double Tolerance)? Read(ArgumentReader r)
    {
        if (!r.Has(Locate.Flag))
        {
            if (r.Has(Tolerance.Flag)) throw r.Error($"{Tolerance.Flag} applies to {Locate.Flag} only");
            return null;
        }
        var reference = r.Choice(Locate.Flag, "eager", "eager", "unfused") == "eager" ? ParityReference.Eager : ParityReference.Unfused;
        foreach (var flag in new[] { "--steps", "--warmup", "--json" })
            if (r.Has(flag)) throw r.Error($"{flag} does not apply to {Locate.Flag}, which replays one step");
        double tolerance = DefaultTolerance;
        if (r.String(Tolerance.Flag) is { } text &&
            (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out tolerance) || !(tolerance >= 0) || double.IsInfinity(tolerance)))
            throw r.Error($"{Tolerance.Flag} must be a non-negative number, got '{text}'");
        return (reference, tolerance);
    }

    public static int Run(ParityLocator locator, ParityReference reference, double tolerance, int batch, TextWriter output)
    {
        var report = locator.Locate(reference, tolerance);
        output.WriteLine($"device: {locator.DeviceSummary}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"locate: {report.CheckedName} against {report.ReferenceName}, first training step at batch {batch}, node by node in launch order"));
        output.Write(report.Text());
        return report.Agree ? 0 : 1;
    }
}
