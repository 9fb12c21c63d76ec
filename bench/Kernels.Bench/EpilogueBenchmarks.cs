using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The first layer's forward, relu(X[64,784]·W1[512,784]ᵀ + b1), as one GEMM with a bias+relu
/// epilogue against a plain GEMM followed by a bias-add and a ReLU launch (in place), with the
/// device's default GEMM variant.
/// </summary>
public class EpilogueBenchmarks
{
    private const int M = 64, N = 512, K = 784;
    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer x = null!, w = null!, bias = null!, y = null!;
    private readonly GemmShape shape = GemmShape.For(M, N, K, transposeA: false, transposeB: true);

    [GlobalSetup]
    public void Setup()
    {
        backend = BenchDevice.Open();
        data = new DeviceData(backend, seed: 2);
        x = data.Uniform(M * K);
        w = data.Uniform(N * K);
        bias = data.Uniform(N);
        y = data.Zeros(M * N);
        Unfused();
        Fused();
    }

    [Benchmark(Baseline = true, Description = "gemm, bias add, relu (3 launches)")]
    [GemmFlops(M, N, K)]
    public void Unfused()
    {
        backend!.Gemm(x, w, y, shape, GemmEpilogue.None, null, null);
        backend!.BiasAdd(y, bias, y, M, N);
        backend!.Relu(y, y, M * N);
        backend!.Synchronize();
    }

    [Benchmark(Description = "gemm with bias+relu epilogue (1 launch)")]
    [GemmFlops(M, N, K)]
    public void Fused()
    {
        backend!.Gemm(x, w, y, shape, new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag), bias, null);
        backend!.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        backend?.Dispose();
    }
}
