using System.Text;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Printing;

/// <summary>
/// The IR as text, one node a line: <c>%id = Op[attrs](inputs) after(control inputs) : types</c>,
/// then the step's outputs. This is the form people read and golden tests compare.
/// </summary>
public static class GraphPrinter
{
    /// <summary>Every node of <paramref name="graph"/> (in <paramref name="order"/> when given), one a line, then the <c>return</c> line.</summary>
    public static string Print(Ir.Graph graph, IReadOnlyList<Node>? order = null)
    {
        var sb = new StringBuilder();
        foreach (var node in order ?? graph.Nodes) sb.AppendLine(Line(node));
        sb.Append("return ").AppendLine(string.Join(", ", graph.Outputs.Select(o => $"{o.Name}={o.Value}")));
        return sb.ToString();
    }

    /// <summary>One node as its line: <c>%id = Op[attrs](inputs) after(...) : types</c>.</summary>
    public static string Line(Node node)
    {
        var sb = new StringBuilder();
        sb.Append('%').Append(node.Id).Append(" = ").Append(node.Op);
        sb.Append('(').Append(string.Join(", ", node.Inputs)).Append(')');
        if (node.ControlInputs.Count > 0)
            sb.Append(" after(").Append(string.Join(", ", node.ControlInputs.OrderBy(c => c.Id).Select(c => $"%{c.Id}"))).Append(')');
        sb.Append(" : ").Append(Types(node));
        return sb.ToString();
    }

    /// <summary>A node's output types: one type, <c>()</c> for none, or a parenthesised list.</summary>
    public static string Types(Node node) => node.Outputs.Length switch
    {
        0 => "()",
        1 => node.Outputs[0].ToString(),
        _ => "(" + string.Join(", ", node.Outputs.AsEnumerable()) + ")",
    };
}
