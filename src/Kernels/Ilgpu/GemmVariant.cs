namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Which GEMM kernel a backend launches (see <see cref="Ops.KernelKeys.Gemm"/>). All variants sum the K
/// products of an output in order p = 0..K-1 and apply the same epilogue, so they give
/// bit-identical results on the CPU accelerator.
/// </summary>
public enum GemmVariant
{
    /// <summary>Barrier-free 4x4 register blocks: for ILGPU's CPU accelerator.</summary>
    RegisterBlocked,
    /// <summary>Shared-memory tiles: for GPUs.</summary>
    Tiled,
    /// <summary>One output element per loop iteration, straight from global memory: the baseline the others are measured against; runs everywhere.</summary>
    Naive,
}
