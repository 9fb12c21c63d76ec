using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Training;

/// <summary>Normalisation with statistics of the batch, fused into one op each way.</summary>
public static partial class Ops
{
    /// <summary>
    /// Training-mode batch normalisation of <paramref name="x"/> ([N, C, ...], channels on axis 1) with the batch's
    /// statistics (<see cref="BatchNormTrainingOp"/>): returns y = (x − mean)/√(var + eps)·gamma + beta, the per-channel
    /// mean [C] and the biased variance [C]. Differentiable in x, gamma and beta, the statistics included.
    /// </summary>
    internal static (Tensor Y, Tensor Mean, Tensor Variance) BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float eps)
    {
        var outputs = ApplyMulti(Graph.Ir.Op.Extension(BatchNormTrainingOp.Instance, new BatchNormAttributes(eps)), x, gamma, beta);
        return (outputs[0], outputs[1], outputs[2]);
    }
}
