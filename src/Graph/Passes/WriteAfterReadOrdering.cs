using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Adds a control edge from every reader of an in-place-written buffer (a parameter) to its writer,
/// unless the reader already comes after the writer: every read of a weight in the step happens
/// before the optimizer overwrites it (what MindSpore's auto-monad does with UpdateState).
/// </summary>
internal sealed class WriteAfterReadOrdering : IGraphPass
{
    public string Name => "write-after-read-ordering";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var reach = new Reachability(graph);
        foreach (var writer in graph.Nodes.ToList())
        {
            var written = BufferAliasing.WrittenStorages(writer).ToHashSet();
            if (written.Count == 0) continue;
            foreach (var reader in graph.Nodes)
            {
                if (reader == writer || !BufferAliasing.ReadStorages(reader).Any(written.Contains)) continue;
                if (reach.IsOrderedBefore(reader, writer) || reach.IsOrderedBefore(writer, reader)) continue;
                writer.ControlInputs.Add(reader);
                reach = new Reachability(graph);
                changed = true;
            }
        }
        return changed;
    }
}
