namespace Trainer.Kernels.Device;

/// <summary>Which GEMM kernel a backend launches (see <see cref="Ops.Gemm"/>).</summary>
public enum GemmVariant
{
    /// <summary>Barrier-free 4x4 register blocks: for ILGPU's CPU accelerator.</summary>
    RegisterBlocked,
    /// <summary>Shared-memory tiles: for GPUs.</summary>
    Tiled,
}
