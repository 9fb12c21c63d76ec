using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The GEMM variants competing at the MLP's shapes (in the manner of llm.c's dev/cuda kernels):
/// one method per variant, each a plain GEMM (no epilogue) and a synchronize, with the naive
/// kernel as the baseline of each shape's ratio. Naive and tiled run on every device,
/// register-blocked only on the CPU accelerator; on the CPU the tiled variant runs only at
/// <see cref="GemmShapes.TiledOnCpu"/> (see <see cref="BenchConfig"/>'s filter).
/// </summary>
public class GemmBenchmarks
{
    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer a = null!, b = null!, c = null!;
    private GemmShape shape;

    public static IEnumerable<string> Shapes => GemmShapes.All;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = GemmShapes.All[0];

    /// <summary>Opens the device with <paramref name="variant"/> and uploads seeded inputs for <see cref="Shape"/>.</summary>
    public void Setup(GemmVariant variant)
    {
        shape = GemmShapes.Parse(Shape);
        backend = BenchDevice.OpenIlgpu(variant);
        data = new DeviceData(backend, seed: 1);
        a = data.Uniform(shape.M * shape.K);
        b = data.Uniform(shape.K * shape.N);
        c = data.Zeros(shape.M * shape.N);
        Run(); // compile and JIT outside the measurement
    }

    [GlobalSetup(Target = nameof(Naive))]
    public void SetupNaive() => Setup(GemmVariant.Naive);

    [GlobalSetup(Target = nameof(RegisterBlocked))]
    public void SetupRegisterBlocked() => Setup(GemmVariant.RegisterBlocked);

    [GlobalSetup(Target = nameof(Tiled))]
    public void SetupTiled() => Setup(GemmVariant.Tiled);

    /// <summary>One GEMM with whatever variant <see cref="Setup"/> opened, then a synchronize.</summary>
    public void Run()
    {
        backend!.Gemm(a, b, c, shape, GemmEpilogue.None, null, null);
        backend!.Synchronize();
    }

    [Benchmark(Baseline = true)]
    public void Naive() => Run();

    [Benchmark]
    public void RegisterBlocked() => Run();

    [Benchmark]
    public void Tiled() => Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        data = null;
        backend?.Dispose();
        backend = null;
    }
}
