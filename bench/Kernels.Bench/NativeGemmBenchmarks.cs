using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The native CPU backend's GEMM at the eight GEMM shapes of a training step, on 1 and 2 worker
/// threads, each a plain GEMM (no epilogue) as the trainer launches it. Compare with
/// <c>bench/torch_gemm.py</c> (torch.mm on OpenBLAS) on the same machine.
/// </summary>
public class NativeGemmBenchmarks
{
    private CpuBackend? backend;
    private DeviceData? data;
    private DeviceBuffer a = null!, b = null!, c = null!;
    private GemmShape shape;

    public static IEnumerable<string> Shapes => GemmShapes.All;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = GemmShapes.All[0];

    [Params(1, 2)]
    public int Threads { get; set; } = 2;

    [GlobalSetup]
    public void Setup()
    {
        shape = GemmShapes.Parse(Shape);
        backend = new CpuBackend(Threads);
        data = new DeviceData(backend, seed: 1);
        a = data.Uniform(shape.M * shape.K);
        b = data.Uniform(shape.K * shape.N);
        c = data.Zeros(shape.M * shape.N);
        Native();
    }

    [Benchmark]
    public void Native() => backend!.Gemm(a, b, c, shape, GemmEpilogue.None, null, null);

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        data = null;
        backend?.Dispose();
        backend = null;
    }
}
