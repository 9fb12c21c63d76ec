using ILGPU.Runtime.Cuda;
using Trainer.Kernels.Cuda;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>Whole-step capture: a CUDA graph on CUDA (<see cref="CudaStepCapture"/>); OpenCL and the CPU accelerator have none.</summary>
public sealed partial class IlgpuBackend
{
    /// <inheritdoc/>
    public IStepCapture? CreateStepCapture() => accelerator is CudaAccelerator cuda
        ? new CudaStepCapture(CudaGraphDriver.Open(), cuda, () => LaunchCount, n => LaunchCount += n)
        : null;
}
