namespace Trainer.Graph.Compilation;

/// <summary>
/// How a traced graph is compiled: <see cref="Fuse"/> false gives one kernel per primitive; <see cref="Verify"/> checks the graph between passes;
/// <see cref="WorldSize"/> above 1 compiles a data-parallel step, every gradient averaged over that many processes by one AllReduce
/// before the updates (<see cref="Passes.GradientAllReduce"/>); at 1 that pass does not run and the graph is the single-process one.
/// </summary>
public sealed record CompileOptions(bool Fuse = true, bool Verify = true, int WorldSize = 1);
