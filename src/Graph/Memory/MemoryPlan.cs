using Trainer.Graph.Ir;

namespace Trainer.Graph.Memory;

/// <summary>
/// Where every intermediate and every kernel workspace lives. <see cref="ArenaBytes"/> is the planned
/// peak; <see cref="TotalBytes"/> is what giving each buffer its own memory would cost.
/// </summary>
internal sealed class MemoryPlan(IReadOnlyList<ArenaSlot> slots, IReadOnlyList<WorkspaceSlot> workspaces, long arenaBytes, int alignment)
{
    private readonly Dictionary<Value, ArenaSlot> byStorage = slots.ToDictionary(s => s.Storage);
    private readonly Dictionary<Node, WorkspaceSlot> byNode = workspaces.ToDictionary(w => w.Node);

    public IReadOnlyList<ArenaSlot> Slots { get; } = slots;
    public IReadOnlyList<WorkspaceSlot> Workspaces { get; } = workspaces;
    public long ArenaBytes { get; } = arenaBytes;
    public long TotalBytes { get; } = slots.Sum(s => IntervalPacker.Align(s.Bytes, alignment)) + workspaces.Sum(w => IntervalPacker.Align(w.Bytes, alignment));

    public bool TryGetSlot(Value storage, out ArenaSlot slot) => byStorage.TryGetValue(storage, out slot!);

    public bool TryGetWorkspace(Node node, out WorkspaceSlot slot) => byNode.TryGetValue(node, out slot!);
}
