using Trainer.Graph.Ir;

namespace Trainer.Graph.Memory;

/// <summary>
/// Where every intermediate lives. <see cref="ArenaBytes"/> is the planned peak; <see cref="TotalBytes"/>
/// is what giving each buffer its own memory would cost.
/// </summary>
public sealed class MemoryPlan(IReadOnlyList<ArenaSlot> slots, long arenaBytes, int alignment)
{
    private readonly Dictionary<Value, ArenaSlot> byStorage = slots.ToDictionary(s => s.Storage);

    public IReadOnlyList<ArenaSlot> Slots { get; } = slots;
    public long ArenaBytes { get; } = arenaBytes;
    public long TotalBytes { get; } = slots.Sum(s => IntervalPacker.Align(s.Bytes, alignment));

    public bool TryGetSlot(Value storage, out ArenaSlot slot) => byStorage.TryGetValue(storage, out slot!);
}
