using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// LeNet's two convolutions at batch 64 (conv1: 64x1x28x28 by 6x1x5x5, padding 2; conv2:
/// 64x6x14x14 by 16x6x5x5) and ResNet-8's (3x3 with 16, 32 and 64 channels on 32x32, 16x16 and 8x8,
/// the stride-2 ones, and the 1x1 stride-2 shortcuts), forward and both gradients, on the benchmark
/// device. Compare with <c>bench/torch_conv.py</c> (torch.nn.functional.conv2d and its gradients),
/// which times the same list on the same machine. GFLOP/s counts 2 flops per multiply-add of the
/// forward pass, which each gradient also does.
/// </summary>
[MinColumn, MedianColumn]
public class Conv2dBenchmarks
{
    /// <summary>The layers by short name (BenchmarkDotNet cuts longer parameter values): input N×C×H×W, O outputs, K×K kernel, stride, padding.</summary>
    private static readonly Dictionary<string, Conv2dShape> Shapes = new()
    {
        ["lenet-conv1"] = Make(64, 1, 28, 28, 6, 5, 1, 2),
        ["lenet-conv2"] = Make(64, 6, 14, 14, 16, 5, 1, 0),
        ["rn8-stem"] = Make(64, 3, 32, 32, 16, 3, 1, 1),
        ["rn8-s1"] = Make(64, 16, 32, 32, 16, 3, 1, 1),
        ["rn8-s2-down"] = Make(64, 16, 32, 32, 32, 3, 2, 1),
        ["rn8-s2"] = Make(64, 32, 16, 16, 32, 3, 1, 1),
        ["rn8-s2-short"] = Make(64, 16, 32, 32, 32, 1, 2, 0),
        ["rn8-s3-down"] = Make(64, 32, 16, 16, 64, 3, 2, 1),
        ["rn8-s3"] = Make(64, 64, 8, 8, 64, 3, 1, 1),
        ["rn8-s3-short"] = Make(64, 32, 16, 16, 64, 1, 2, 0),
    };

    /// <summary>LeNet's two convolutions, then ResNet-8's: stem, stage 1, and per stage 2 and 3 the stride-2 3x3, the stride-1 3x3 and the 1x1 stride-2 shortcut.</summary>
    public static IEnumerable<string> Layers => Shapes.Keys;

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "lenet-conv1";

    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer x = null!, w = null!, y = null!, dy = null!, dx = null!, dw = null!, workspace = null!;
    private Conv2dShape shape;

    private static Conv2dShape Make(int n, int c, int h, int w, int o, int k, int stride, int pad) => new(n, c, h, w, o, k, k, stride, stride, pad, pad);

    public static Conv2dShape ShapeOf(string layer) => Shapes[layer];

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
        backend!.Synchronize();
    }

    [Benchmark]
    public void BackwardData()
    {
        backend!.Conv2dBackwardData(dy, w, dx, shape, workspace);
        backend!.Synchronize();
    }

    [Benchmark]
    public void BackwardFilter()
    {
        backend!.Conv2dBackwardFilter(x, dy, dw, shape, workspace);
        backend!.Synchronize();
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
