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
public class Conv2dBenchmarks
{
    /// <summary>"name NxCxHxW kKxO [sS] [pP]": input, a K×K kernel with O outputs, stride (1 if absent) and padding (0 if absent).</summary>
    public static IEnumerable<string> Layers =>
    [
        "conv1 64x1x28x28 k5x6 p2", "conv2 64x6x14x14 k5x16",
        "rn-stem 64x3x32x32 k3x16 p1", "rn-s1 64x16x32x32 k3x16 p1", "rn-s2a 64x16x32x32 k3x32 s2 p1",
        "rn-s2b 64x32x16x16 k3x32 p1", "rn-s2sc 64x16x32x32 k1x32 s2", "rn-s3a 64x32x16x16 k3x64 s2 p1",
        "rn-s3b 64x64x8x8 k3x64 p1", "rn-s3sc 64x32x16x16 k1x64 s2",
    ];

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "conv1 64x1x28x28 k5x6 p2";

    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer x = null!, w = null!, y = null!, dy = null!, dx = null!, dw = null!, workspace = null!;
    private Conv2dShape shape;

    public static Conv2dShape ShapeOf(string layer)
    {
        var parts = layer.Split(' ');
        int[] input = parts[1].Split('x').Select(int.Parse).ToArray();
        int[] kernel = parts[2][1..].Split('x').Select(int.Parse).ToArray();
        int stride = 1, pad = 0;
        foreach (string p in parts.Skip(3))
            if (p[0] == 's') stride = int.Parse(p[1..]);
            else if (p[0] == 'p') pad = int.Parse(p[1..]);
        return new Conv2dShape(input[0], input[1], input[2], input[3], kernel[1], kernel[0], kernel[0], stride, stride, pad, pad);
    }

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
