using Trainer.Graph.Ir;

namespace Trainer.Graph.Memory;

/// <summary>One intermediate's place in the arena.</summary>
internal sealed record ArenaSlot(Value Storage, long Offset, long Bytes, Lifetime Lifetime);
