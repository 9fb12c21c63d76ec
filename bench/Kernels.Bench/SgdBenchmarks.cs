using BenchmarkDotNet.Attributes;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Bench;

/// <summary>
/// SGD over the MLP's six parameters (W1 784x512, b1, W2 512x512, b2, W3 512x10, b3; 669,706
/// floats): one multi-tensor launch over the parameter block and the gradient arena against six
/// single-tensor launches through slices. The learning rate is tiny so repeated updates stay finite.
/// </summary>
public class SgdBenchmarks
{
    private static readonly int[] Lengths = [784 * 512, 512, 512 * 512, 512, 512 * 10, 10];
    private const float LearningRate = 1e-9f;
    private IKernelBackend? backend;
    private DeviceData? data;
    private DeviceBuffer block = null!, arena = null!, segments = null!, hyperparameters = null!;
    private readonly List<(DeviceBuffer Parameter, DeviceBuffer Gradient, int Length)> slices = [];
    private int total;

    [GlobalSetup]
    public void Setup()
    {
        backend = BenchDevice.Open();
        data = new DeviceData(backend, seed: 4);
        total = Lengths.Sum();
        block = data.Uniform(total);
        arena = data.Uniform(total);
        // Parameters packed in order; gradients in the arena in reverse order, as a planner might place them.
        var table = new int[Lengths.Length * 3];
        int offset = 0, gradientOffset = total;
        for (int s = 0; s < Lengths.Length; s++)
        {
            gradientOffset -= Lengths[s];
            table[s * 3] = offset;
            table[s * 3 + 1] = gradientOffset;
            table[s * 3 + 2] = Lengths[s];
            slices.Add((block.Slice(offset * 4L, Lengths[s] * 4L), arena.Slice(gradientOffset * 4L, Lengths[s] * 4L), Lengths[s]));
            offset += Lengths[s];
        }
        segments = data.Put(table);
        hyperparameters = data.Put(new[] { LearningRate });
        SixLaunches();
        MultiTensor();
    }

    [Benchmark(Baseline = true, Description = "6 single-tensor launches")]
    public void SixLaunches()
    {
        foreach (var (parameter, gradient, length) in slices)
            backend!.SgdUpdate(parameter, gradient, length, hyperparameters);
        backend!.Synchronize();
    }

    [Benchmark(Description = "1 multi-tensor launch")]
    public void MultiTensor()
    {
        backend!.SgdUpdateMulti(block, arena, segments, Lengths.Length, total, hyperparameters);
        backend!.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (parameter, gradient, _) in slices) { parameter.Dispose(); gradient.Dispose(); }
        slices.Clear();
        data?.Dispose();
        backend?.Dispose();
    }
}
