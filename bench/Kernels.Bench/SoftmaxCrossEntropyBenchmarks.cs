using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Bench;

/// <summary>Softmax cross-entropy over [Rows, 10] logits: the fused loss+gradient kernel against the forward and backward kernels.</summary>
public class SoftmaxCrossEntropyBenchmarks
{
    private const int Classes = 10;
    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer logits = null!, labels = null!, loss = null!, dloss = null!, dlogits = null!;

    [Params(64, 512)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        backend = BenchDevice.Open();
        data = new DeviceData(backend, seed: 3);
        logits = data.Uniform(Rows * Classes, -4f, 4f);
        labels = data.Labels(Rows, Classes);
        loss = data.Zeros(1);
        dloss = data.Put(new[] { 1f });
        dlogits = data.Zeros(Rows * Classes);
        ForwardBackward();
        Fused();
    }

    [Benchmark(Baseline = true, Description = "forward + backward (2 launches)")]
    public void ForwardBackward()
    {
        backend!.SoftmaxCrossEntropy(logits, labels, loss, Rows, Classes);
        backend!.SoftmaxCrossEntropyBackward(logits, labels, dloss, dlogits, Rows, Classes);
        backend!.Synchronize();
    }

    [Benchmark(Description = "fused (1 launch)")]
    public void Fused()
    {
        backend!.SoftmaxCrossEntropyFused(logits, labels, loss, dlogits, Rows, Classes, 1f);
        backend!.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        backend?.Dispose();
    }
}
