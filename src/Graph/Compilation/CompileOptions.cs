namespace Trainer.Graph.Compilation;

/// <summary>How a traced graph is compiled: <see cref="Fuse"/> false gives one kernel per primitive; <see cref="Verify"/> checks the graph between passes.</summary>
public sealed record CompileOptions(bool Fuse = true, bool Verify = true);
