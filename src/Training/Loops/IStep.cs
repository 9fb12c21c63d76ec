namespace Trainer.Training.Loops;

/// <summary>A two-argument step as the loop calls it, whichever mode runs it.</summary>
public interface IStep
{
    Tensor[] Call(Tensor data, Tensor label);
}

/// <summary>Eager mode: the step is the user's function, run op by op.</summary>
public sealed class EagerStep(Func<Tensor, Tensor, Tensor[]> function) : IStep
{
    public Tensor[] Call(Tensor data, Tensor label) => function(data, label);
}

/// <summary>Graph mode: the step compiled and replayed.</summary>
public sealed class CompiledStep(Jit.GraphFunction function) : IStep
{
    public Jit.GraphFunction Function { get; } = function;
    public Tensor[] Call(Tensor data, Tensor label) => Function.Call(data, label);
}
