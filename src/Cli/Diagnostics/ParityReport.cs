using System.Globalization;
using System.Text;
using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// What a parity check found: how many launched nodes of the checked (fused) graph agreed with the
/// reference, and the first that did not, if any.
/// </summary>
public sealed record ParityReport(
    string ReferenceName, string CheckedName, double Tolerance, int NodesAgreeing, int NodesBitIdentical, int Unmatched,
    ParityDifference? FirstDifference)
{
    /// <summary>Whether every compared value agreed.</summary>
    public bool Agree => FirstDifference is null;

    /// <summary>
    /// "all 23 nodes agree ..." or "first difference: ... ; all 17 earlier nodes agree", one line
    /// each, plus a line on outputs the reference had no counterpart for.
    /// </summary>
    public string Text()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (FirstDifference is { } d)
            sb.AppendLine(inv, $"first difference: {d.Describe(ReferenceName, CheckedName)}; all {NodesAgreeing} earlier nodes agree ({NodesBitIdentical} bit for bit)");
        else
            sb.AppendLine(inv, $"all {NodesAgreeing} nodes agree with {ReferenceName} within relative {Tolerance:g3} ({NodesBitIdentical} bit for bit)");
        if (Unmatched > 0)
            sb.AppendLine(inv, $"{Unmatched} tensors of the {CheckedName} had no counterpart in {ReferenceName} and were not compared");
        return sb.ToString();
    }
}
