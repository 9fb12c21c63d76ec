using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ops;

/// <summary>
/// What a convolution call (<see cref="KernelKeys.Conv2d"/> and its two gradients) takes besides its tensors: the shape,
/// the forward pass's epilogue and bias (<see cref="GemmEpilogue.None"/> and null for the gradients), and the scratch of
/// at least <see cref="IKernelBackend.Conv2dWorkspaceBytes"/> bytes (null when that is 0).
/// </summary>
/// <param name="Shape">Batch, channels, sizes, kernel, stride and padding.</param>
/// <param name="Epilogue">Bias and ReLU of the forward pass.</param>
/// <param name="Bias">The per-output-channel bias of <see cref="GemmEpilogue.BiasFlag"/>.</param>
/// <param name="Workspace">The backend's scratch for this shape.</param>
public sealed record ConvolutionAttributes(Conv2dShape Shape, GemmEpilogue Epilogue, DeviceBuffer? Bias, DeviceBuffer? Workspace);
