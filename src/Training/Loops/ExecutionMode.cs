namespace Trainer.Training.Loops;

/// <summary>Eager runs each op as it is called (MindSpore's PyNative); Graph traces and compiles the step (GRAPH_MODE).</summary>
public enum ExecutionMode
{
    /// <summary>Op by op, as each is called (MindSpore's PYNATIVE_MODE).</summary>
    Eager,
    /// <summary>Traced once and replayed as a compiled graph (MindSpore's GRAPH_MODE).</summary>
    Graph,
}
