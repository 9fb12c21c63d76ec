namespace Trainer.Kernels.Ops;

/// <summary>
/// Where each optimizer kernel finds its hyperparameters in the small float32 block it reads from
/// device memory (the optimizer's hyperparameter block, one per optimizer). The kernels read the
/// block when they run, so the host changes a learning rate by writing the block, and no graph,
/// launch plan or kernel argument changes with it.
/// </summary>
public static class HyperparameterLayout
{
    /// <summary>Every optimizer's learning rate is its block's first float (the GEMM's SGD epilogue reads only this one).</summary>
    public const int LearningRate = 0;

    /// <summary>SGD's block: the learning rate alone.</summary>
    public const int SgdCount = 1;

    /// <summary>Momentum's block: learning rate, then the momentum coefficient, then the weight decay.</summary>
    public const int Momentum = 1, MomentumWeightDecay = 2, MomentumCount = 3;

    /// <summary>Adam's block: learning rate, β₁, β₂, ε, then the weight decay.</summary>
    public const int Beta1 = 1, Beta2 = 2, Epsilon = 3, AdamWeightDecay = 4, AdamCount = 5;
}
