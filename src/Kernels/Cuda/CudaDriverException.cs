using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cuda;

/// <summary>A CUDA driver call that failed, or a driver that lacks one; the message is one line naming the call and the CUresult.</summary>
public sealed class CudaDriverException(string message) : StepCaptureException(message);
