using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Memory;

/// <summary>
/// Liveness over a schedule: each intermediate is live from the step that writes it to the last
/// step that reads it (or any alias of it); step outputs stay live to the end. A kernel's declared
/// workspace (<see cref="OpDefinition.WorkspaceBytes"/>) is live for its node's step only, so
/// workspaces of different nodes share memory with each other and with dead intermediates. Inputs
/// and parameters have their own memory and are not planned here. Workspaces are those of the
/// backend the plan is for (none for ILGPU's direct convolutions), or the most any backend needs.
/// </summary>
internal static class MemoryPlanner
{
    public const int Alignment = 256;

    public static MemoryPlan Plan(Ir.Graph graph, IReadOnlyList<Node> schedule, IKernelBackend? backend = null)
    {
        var position = new Dictionary<Node, int>();
        for (int i = 0; i < schedule.Count; i++) position[schedule[i]] = i;

        var lifetimes = new Dictionary<Value, (int First, int Last)>();
        foreach (var node in schedule)
        {
            if (node.Op.Kind is OpKind.Input or OpKind.Parameter || OpRegistry.Get(node.Op).IsAlias) continue;
            for (int o = 0; o < node.Outputs.Length; o++)
                lifetimes[new Value(node, o)] = (position[node], position[node]);
        }
        void Extend(Value storage, int step)
        {
            if (lifetimes.TryGetValue(storage, out var span))
                lifetimes[storage] = (span.First, Math.Max(span.Last, step));
        }
        foreach (var node in schedule)
            foreach (var input in node.Inputs)
                Extend(BufferAliasing.StorageOf(input), position[node]);
        foreach (var (_, value) in graph.Outputs)
            Extend(BufferAliasing.StorageOf(value), schedule.Count);

        var storages = lifetimes.Keys.OrderBy(v => position[v.Node]).ThenBy(v => v.Index).ToList();
        var spans = storages.Select(v => new Lifetime(v.Type.ByteCount, lifetimes[v].First, lifetimes[v].Last)).ToList();
        var workspaceNodes = new List<(Node Node, long Bytes)>();
        foreach (var node in schedule)
        {
            long bytes = OpRegistry.Get(node.Op).WorkspaceBytes(node.Op, node.Inputs.Select(v => v.Type).ToArray(), backend);
            if (bytes <= 0) continue;
            workspaceNodes.Add((node, bytes));
            spans.Add(new Lifetime(bytes, position[node], position[node]));
        }
        var (offsets, arena) = IntervalPacker.Pack(spans, Alignment);
        var slots = storages.Select((v, i) => new ArenaSlot(v, offsets[i], spans[i].Bytes, spans[i])).ToList();
        var workspaces = workspaceNodes.Select((w, i) => new WorkspaceSlot(w.Node, offsets[storages.Count + i], w.Bytes, spans[storages.Count + i])).ToList();
        return new MemoryPlan(slots, workspaces, arena, Alignment);
    }
}
