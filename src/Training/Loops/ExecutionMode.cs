namespace Trainer.Training.Loops;

/// <summary>Eager runs each op as it is called (MindSpore's PyNative); Graph traces and compiles the step (GRAPH_MODE).</summary>
public enum ExecutionMode
{
    Eager,
    Graph,
}
