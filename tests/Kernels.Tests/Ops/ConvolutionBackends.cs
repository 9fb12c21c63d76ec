namespace Trainer.Kernels.Tests.Ops;

/// <summary>
/// The convolution test classes (<see cref="Conv2dTests"/>, <see cref="Conv2dTiledTests"/>) share one
/// <see cref="BackendFixture"/>: opening an ILGPU backend compiles every kernel (and on PoCL builds
/// each one's OpenCL C), so opening each once instead of once per class saves seconds of every run.
/// The classes of one collection run one after another, so a backend is still used from one thread.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConvolutionBackends : ICollectionFixture<BackendFixture>
{
    public const string Name = "convolution backends";
}
