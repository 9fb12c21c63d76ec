using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// LeNet's two convolutions at batch 64 (conv1: 64x1x28x28 by 6x1x5x5, padding 2; conv2:
/// 64x6x14x14 by 16x6x5x5), forward and both gradients, on the benchmark device. Compare with
/// <c>bench/torch_conv.py</c> (torch.nn.functional.conv2d and its autograd) on the same machine.
/// GFLOP/s counts 2 flops per multiply-add of the forward pass, which each gradient also does.
/// </summary>
public class Conv2dBenchmarks
{
    public static IEnumerable<string> Layers => ["conv1 64x1x28x28 k5x6 p2", "conv2 64x6x14x14 k5x16"];

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "conv1 64x1x28x28 k5x6 p2";

    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer x = null!, w = null!, y = null!, dy = null!, dx = null!, dw = null!, workspace = null!;
    private Conv2dShape shape;

    public static Conv2dShape ShapeOf(string layer) => layer.StartsWith("conv1", StringComparison.Ordinal)
        ? new Conv2dShape(64, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2)
        : new Conv2dShape(64, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0);

    [GlobalSetup]
    public void Setup()
    {
        shape = ShapeOf(Layer);
        backend = BenchDevice.Open();
        data = new DeviceData(backend, seed: 8);
        x = data.Uniform((int)shape.InputCount);
        w = data.Uniform((int)shape.WeightCount);
        dy = data.Uniform((int)shape.OutputCount);
        y = data.Zeros((int)shape.OutputCount);
        dx = data.Zeros((int)shape.InputCount);
        dw = data.Zeros((int)shape.WeightCount);
        workspace = data.Zeros((int)shape.WorkspaceFloats);
        Forward();
        BackwardData();
        BackwardFilter();
    }

    [Benchmark]
    public void Forward()
    {
        backend!.Conv2d(x, w, null, y, shape, GemmEpilogue.None, workspace);
        backend.Synchronize();
    }

    [Benchmark]
    public void BackwardData()
    {
        backend!.Conv2dBackwardData(dy, w, dx, shape, workspace);
        backend.Synchronize();
    }

    [Benchmark]
    public void BackwardFilter()
    {
        backend!.Conv2dBackwardFilter(x, dy, dw, shape, workspace);
        backend.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        data = null;
        backend?.Dispose();
        backend = null;
    }
}
