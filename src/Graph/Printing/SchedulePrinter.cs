using System.Globalization;
using System.Text;
using Trainer.Graph.Analysis;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Graph.Printing;

/// <summary>
/// A compiled program as its launch plan: nodes in schedule order with their launch number, the
/// nodes each kernel fused, and where each output and kernel workspace lives; then the arena's
/// planned peak beside the sum of all buffers.
/// </summary>
public static class SchedulePrinter
{
    /// <summary>The schedule of <paramref name="program"/> as text: one kernel a line with its buffers, then the arena's peak.</summary>
    public static string Print(GraphProgram program)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# schedule: {program.Schedule.Count} nodes, {program.Launches} kernel launches");
        int launch = 0;
        foreach (var node in program.Schedule)
        {
            var def = OpRegistry.Get(node.Op);
            string number = def.Launches > 0 ? $"{++launch,3}" : "  -";
            sb.Append(number).Append("  ").Append(GraphPrinter.Line(node));
            if (node.FusedFrom.Count > 0)
                sb.Append("  fuses ").Append(string.Join(",", node.FusedFrom.Select(id => "%" + id.ToString(inv))));
            sb.Append("  ").AppendLine(Placement(program, node, def));
        }
        sb.AppendLine("return " + string.Join(", ", program.Graph.Outputs.Select(o => $"{o.Name}={o.Value}")));
        var workspaces = program.Memory.Workspaces;
        if (workspaces.Count > 0)
        {
            string whose = program.PlannedFor is { } device ? $"those {device} uses" : "with no device given, the most any backend uses";
            sb.AppendLine(inv, $"# kernel workspaces: {workspaces.Count} in the arena, {workspaces.Sum(w => w.Bytes)} bytes in all, the largest {workspaces.Max(w => w.Bytes)} bytes; {whose}");
        }
        long peak = program.Memory.ArenaBytes, total = program.Memory.TotalBytes;
        double saved = total == 0 ? 0 : 100.0 * (total - peak) / total;
        sb.AppendLine(inv, $"# arena: planned peak {peak} bytes ({Mib(peak)}), sum of all buffers {total} bytes ({Mib(total)}), {saved:F1}% saved by reuse");
        return sb.ToString();
    }

    private static string Placement(GraphProgram program, Node node, OpDefinition def)
    {
        if (node.Op.Kind == OpKind.Input) return "-> input buffer";
        if (node.Op.Kind == OpKind.Parameter) return "-> parameter block";
        if (def.IsAlias) return $"-> alias of {BufferAliasing.StorageOf(node.Inputs[0])}";
        var parts = new List<string>();
        if (node.Outputs.Length == 0)
            parts.Add("writes " + string.Join(", ", BufferAliasing.WrittenStorages(node).Select(s => s.Node.Op.Name ?? s.ToString())));
        for (int o = 0; o < node.Outputs.Length; o++)
            if (program.Memory.TryGetSlot(new Value(node, o), out var slot))
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{new Value(node, o)} @ arena[{slot.Offset}, +{slot.Bytes}) live {slot.Lifetime.First}..{slot.Lifetime.Last}"));
        if (program.Memory.TryGetWorkspace(node, out var workspace))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{def.WorkspaceName} workspace @ arena[{workspace.Offset}, +{workspace.Bytes}) live {workspace.Lifetime.First}"));
        return "-> " + string.Join("; ", parts);
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F2", CultureInfo.InvariantCulture) + " MiB";
}
