using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ops;

/// <summary>
/// What a <see cref="KernelKeys.Gemm"/> call takes besides A, B and C: the shape, the epilogue, and the epilogue's
/// operands: the bias (or, with the SGD epilogue, the optimizer's hyperparameter block) and the ReLU-backward mask,
/// null where the epilogue takes none.
/// </summary>
/// <param name="Shape">M, N, K and the layouts.</param>
/// <param name="Epilogue">What is applied to each accumulator before the store.</param>
/// <param name="Bias">The bias of <see cref="GemmEpilogue.BiasFlag"/>, or the hyperparameters of <see cref="GemmEpilogue.SgdFlag"/>.</param>
/// <param name="Mask">The ReLU output whose sign masks the result (<see cref="GemmEpilogue.MaskFlag"/>).</param>
public sealed record GemmAttributes(GemmShape Shape, GemmEpilogue Epilogue, DeviceBuffer? Bias = null, DeviceBuffer? Mask = null);
