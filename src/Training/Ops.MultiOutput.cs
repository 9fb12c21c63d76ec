using Trainer.Graph.Ir;

namespace Trainer.Training;

public static partial class Ops
{
    /// <summary>Any op of the IR with one or more outputs, eagerly or traced: one tensor per output.</summary>
    internal static Tensor[] ApplyMulti(Op op, params Tensor[] inputs) => ExecutorOf(inputs).ApplyMulti(op, inputs);
}
