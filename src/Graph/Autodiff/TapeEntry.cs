using Trainer.Graph.Ir;

namespace Trainer.Graph.Autodiff;

/// <summary>One recorded op application: what reverse mode walks backwards.</summary>
public sealed record TapeEntry<T>(Op Op, IReadOnlyList<T> Inputs, T Output) where T : class;
