using System.Text;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Printing;

/// <summary>The IR as Graphviz DOT: data edges solid and labelled with their type, control edges dashed.</summary>
public static class DotPrinter
{
    /// <summary>The graph as a DOT digraph named <paramref name="title"/>.</summary>
    public static string Print(Ir.Graph graph, string title = "step")
    {
        var sb = new StringBuilder();
        sb.AppendLine($"digraph \"{Escape(title)}\" {{");
        sb.AppendLine("  rankdir=TB;");
        sb.AppendLine("  node [shape=box, fontname=\"monospace\", fontsize=10];");
        foreach (var node in graph.Nodes)
        {
            string style = node.Op.Kind switch
            {
                OpKind.Input => ", style=filled, fillcolor=\"#dde8ff\"",
                OpKind.Parameter => ", style=filled, fillcolor=\"#fff2cc\"",
                OpKind.SgdUpdate or OpKind.SgdUpdateMulti or OpKind.MomentumUpdate or OpKind.MomentumUpdateMulti or OpKind.AdamUpdate or OpKind.AdamUpdateMulti or OpKind.AdamBetaPowers => ", style=filled, fillcolor=\"#ffd6d6\"",
                _ => node.FusedFrom.Count > 0 ? ", style=filled, fillcolor=\"#d9f2d9\"" : "",
            };
            sb.AppendLine($"  n{node.Id} [label=\"%{node.Id} {Escape(node.Op.ToString())}\\n{Escape(GraphPrinter.Types(node))}\"{style}];");
        }
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
                sb.AppendLine($"  n{input.Node.Id} -> n{node.Id} [label=\"{Escape(input.Type.ShapeText)}\"];");
            foreach (var c in node.ControlInputs)
                sb.AppendLine($"  n{c.Id} -> n{node.Id} [style=dashed, color=gray40];");
        }
        foreach (var (name, value) in graph.Outputs)
        {
            sb.AppendLine($"  \"out_{Escape(name)}\" [label=\"{Escape(name)}\", shape=ellipse];");
            sb.AppendLine($"  n{value.Node.Id} -> \"out_{Escape(name)}\";");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
