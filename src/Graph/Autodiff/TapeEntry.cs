using Trainer.Graph.Ir;

namespace Trainer.Graph.Autodiff;

/// <summary>One recorded op application: what reverse mode walks backwards. An op may have several outputs.</summary>
public sealed record TapeEntry<T>(Op Op, IReadOnlyList<T> Inputs, IReadOnlyList<T> Outputs) where T : class
{
    /// <summary>An entry for a single-output op.</summary>
    public TapeEntry(Op op, IReadOnlyList<T> inputs, T output) : this(op, inputs, [output]) { }

    /// <summary>The first output (the only one of most ops).</summary>
    public T Output => Outputs[0];
}
