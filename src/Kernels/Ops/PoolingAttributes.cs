namespace Trainer.Kernels.Ops;

/// <summary>What a max-pooling call takes besides its tensors.</summary>
/// <param name="Shape">Batch, channels, sizes, window and stride.</param>
/// <param name="ReluMask">For <see cref="KernelKeys.MaxPool2dBackward"/>: dx is also +0 where x is not positive (a fused ReLU backward).</param>
public sealed record PoolingAttributes(Pool2dShape Shape, bool ReluMask = false);
