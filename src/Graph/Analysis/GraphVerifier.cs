using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Graph.Analysis;

/// <summary>
/// Checks the invariants every pass must keep: edges point at nodes of the graph, types agree
/// with the op rules, there is no cycle, and every read of a buffer that is also written in place
/// is ordered with respect to the write. Throws <see cref="GraphCompileException"/> naming the nodes.
/// </summary>
internal static class GraphVerifier
{
    /// <param name="graph">The graph.</param>
    /// <param name="checkHazards">
    /// Whether unordered reads and writes are errors. A freshly traced graph has them until
    /// <see cref="Passes.WriteAfterReadOrdering"/> has run; from then on every check includes them.
    /// </param>
    public static void Verify(Ir.Graph graph, bool checkHazards = true)
    {
        var members = graph.Nodes.ToHashSet();
        foreach (var node in graph.Nodes)
        {
            foreach (var v in node.Inputs)
                if (!members.Contains(v.Node))
                    throw new GraphCompileException($"{Describe(node)} reads {v}, which is not in the graph");
            foreach (var c in node.ControlInputs)
                if (!members.Contains(c))
                    throw new GraphCompileException($"{Describe(node)} has a control edge from %{c.Id}, which is not in the graph");
            if (node.Op.Kind is not (OpKind.Input or OpKind.Parameter))
            {
                var expected = OpRegistry.Get(node.Op).InferTypes(node.Op, node.Inputs.Select(v => v.Type).ToArray());
                if (!expected.SequenceEqual(node.Outputs))
                    throw new GraphCompileException($"{Describe(node)} has outputs ({string.Join(", ", node.Outputs.AsEnumerable())}) but its op gives ({string.Join(", ", expected.AsEnumerable())})");
            }
        }
        foreach (var (name, value) in graph.Outputs)
            if (!members.Contains(value.Node))
                throw new GraphCompileException($"output '{name}' is {value}, which is not in the graph");

        CheckAcyclic(graph);
        if (checkHazards) CheckHazards(graph);
    }

    public static string Describe(Node node) =>
        $"%{node.Id} {node.Op}({string.Join(", ", node.Inputs.Select(v => $"{v}: {v.Type}"))})";

    private static void CheckAcyclic(Ir.Graph graph)
    {
        // Kahn: whatever cannot be emitted lies on or behind a cycle; walk predecessors inside
        // that remainder until a node repeats to name one cycle.
        var remaining = graph.Nodes.ToHashSet();
        bool progress = true;
        while (progress)
        {
            progress = false;
            foreach (var n in remaining.ToList())
            {
                if (Reachability.Predecessors(n).Any(remaining.Contains)) continue;
                remaining.Remove(n);
                progress = true;
            }
        }
        if (remaining.Count == 0) return;

        var path = new List<Node>();
        var current = remaining.OrderBy(n => n.Id).First();
        while (!path.Contains(current))
        {
            path.Add(current);
            current = Reachability.Predecessors(current).First(remaining.Contains);
        }
        var cycle = path.Skip(path.IndexOf(current)).Reverse().ToList();
        cycle.Add(cycle[0]);
        throw new GraphCompileException("cycle in graph: " + string.Join(" -> ", cycle.Select(n => $"%{n.Id} {n.Op}")));
    }

    private static void CheckHazards(Ir.Graph graph)
    {
        var writers = graph.Nodes
            .SelectMany(n => BufferAliasing.WrittenStorages(n).Select(s => (Storage: s, Writer: n)))
            .ToList();
        if (writers.Count == 0) return;
        var reach = new Reachability(graph);
        foreach (var (storage, writer) in writers)
        {
            foreach (var other in graph.Nodes)
            {
                if (other == writer) continue;
                bool reads = BufferAliasing.ReadStorages(other).Contains(storage);
                bool writes = BufferAliasing.WrittenStorages(other).Contains(storage);
                if (!reads && !writes) continue;
                if (reach.IsOrderedBefore(other, writer) || reach.IsOrderedBefore(writer, other)) continue;
                string what = storage.Node.Op.Kind == OpKind.Parameter ? $"parameter '{storage.Node.Op.Name}'" : $"buffer {storage}";
                throw new GraphCompileException(
                    $"unordered {(writes ? "writes" : "read and write")} of {what}: %{other.Id} {other.Op} {(writes ? "writes" : "reads")} it " +
                    $"and %{writer.Id} {writer.Op} writes it, with no path between them; add Depend or a control edge");
            }
        }
    }
}
