namespace Trainer.Graph.Ops;

/// <summary>An op was applied to inputs whose shapes or types it cannot take; the message names the op and every input type.</summary>
public sealed class OpShapeException(string message) : Exception(message);
