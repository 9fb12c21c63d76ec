using Trainer.Training.Loops;

namespace Trainer.Training.Jit;

/// <summary>The compile call (MindSpore's <c>@jit</c>), with the mode chosen by one argument (MindSpore's <c>set_context(mode=...)</c>).</summary>
public static class StepCompiler
{
    /// <summary>
    /// Makes <paramref name="function"/> a step over <paramref name="inputNames"/>.Length inputs: in
    /// <see cref="ExecutionMode.Graph"/> (the default) traced and compiled once per input shape and cell
    /// mode (<see cref="GraphFunction"/>), in <see cref="ExecutionMode.Eager"/> run op by op with its
    /// temporaries freed by the step (<see cref="EagerFunction"/>). Both return results valid until the
    /// next call and agree bit for bit on the native CPU backend.
    /// </summary>
    /// <param name="session">The device the step runs on.</param>
    /// <param name="name">The step's name, for messages and printed graphs.</param>
    /// <param name="function">The step: inputs in, outputs out.</param>
    /// <param name="inputNames">The inputs' names; null for two inputs named <c>input0</c>, <c>input1</c>.</param>
    /// <param name="mode">Graph or eager.</param>
    public static IStepFunction Compile(Session session, string name, Func<Tensor[], Tensor[]> function,
        string[]? inputNames = null, ExecutionMode mode = ExecutionMode.Graph)
    {
        ArgumentNullException.ThrowIfNull(session);
        inputNames ??= ["input0", "input1"];
        return mode == ExecutionMode.Graph
            ? new GraphFunction(session, name, function, inputNames)
            : new EagerFunction(session, name, function, inputNames.Length);
    }

    /// <summary>A one-input step (see <see cref="Compile(Session, string, Func{Tensor[], Tensor[]}, string[], Loops.ExecutionMode)"/>).</summary>
    public static IStepFunction Compile(Session session, string name, Func<Tensor, Tensor[]> function, ExecutionMode mode = ExecutionMode.Graph) =>
        Compile(session, name, inputs => function(inputs[0]), ["input0"], mode);

    /// <summary>A two-input step (see <see cref="Compile(Session, string, Func{Tensor[], Tensor[]}, string[], Loops.ExecutionMode)"/>).</summary>
    public static IStepFunction Compile(Session session, string name, Func<Tensor, Tensor, Tensor[]> function, ExecutionMode mode = ExecutionMode.Graph) =>
        Compile(session, name, inputs => function(inputs[0], inputs[1]), ["input0", "input1"], mode);

    /// <summary>A three-input step (see <see cref="Compile(Session, string, Func{Tensor[], Tensor[]}, string[], Loops.ExecutionMode)"/>).</summary>
    public static IStepFunction Compile(Session session, string name, Func<Tensor, Tensor, Tensor, Tensor[]> function, ExecutionMode mode = ExecutionMode.Graph) =>
        Compile(session, name, inputs => function(inputs[0], inputs[1], inputs[2]), ["input0", "input1", "input2"], mode);
}
