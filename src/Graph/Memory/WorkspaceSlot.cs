using Trainer.Graph.Ir;

namespace Trainer.Graph.Memory;

/// <summary>A node's kernel workspace and its place in the arena; live for the node's own step.</summary>
internal sealed record WorkspaceSlot(Node Node, long Offset, long Bytes, Lifetime Lifetime);
