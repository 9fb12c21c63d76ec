using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Ops that draw random numbers from a counter-based generator kept in a buffer.</summary>
public static partial class Ops
{
    /// <summary>
    /// Dropout of <paramref name="x"/> with probability <paramref name="p"/> of zeroing, the mask drawn from the
    /// seed and step held in <paramref name="state"/> (<see cref="Kernels.Rng.DropoutMask"/>): returns y and the
    /// state advanced by one step, which the caller writes back with <see cref="Assign"/>. Element i of x draws as
    /// element <paramref name="firstElement"/> + i of the whole x is a slice of (<see cref="Kernels.Rng.DropoutSlice"/>).
    /// </summary>
    internal static (Tensor Y, Tensor Next) Dropout(Tensor x, Parameter state, float p, long firstElement = 0)
    {
        var outputs = ApplyMulti(Graph.Ir.Op.Extension(DropoutOp.Instance, new DropoutAttributes(p) { FirstElement = firstElement }), x, state);
        return (outputs[0], outputs[1]);
    }
}
