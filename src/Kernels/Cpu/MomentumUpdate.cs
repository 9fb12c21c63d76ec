using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// SGD with momentum, a ← fl(fl(a·m) + g) then p ← fl(p − fl(lr·a)), in place, without fused
/// multiply-adds, like the GPU kernel, so the one-tensor and multi-tensor forms agree bit for bit.
/// The multi-tensor form takes (parameter offset, accumulation offset, gradient offset, length)
/// quadruples, in elements; its tasks are chunks of the concatenated segments. The learning rate,
/// coefficient and weight decay are read from the hyperparameter block at launch.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<MomentumOp> momentum = new();
    private readonly RangeWork<MomentumMultiOp> momentumMulti = new();

    /// <inheritdoc />
    void ILayerKernels.MomentumUpdate(DeviceBuffer parameter, DeviceBuffer accumulation, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        if (!Launch(count)) return;
        float* h = hyperparameters.Float();
        RunRange(this.momentum, new MomentumOp(parameter.Float(), accumulation.Float(), gradient.Float(),
            h[Ops.HyperparameterLayout.LearningRate], h[Ops.HyperparameterLayout.Momentum], h[Ops.HyperparameterLayout.MomentumWeightDecay]), count);
    }

    /// <inheritdoc />
    void ILayerKernels.MomentumUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer accumulationBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (!Launch(totalElements)) return;
        float* h = hyperparameters.Float();
        RunRange(momentumMulti, new MomentumMultiOp(parameterBlock.Float(), accumulationBlock.Float(), gradientArena.Float(), segments.Int(), segmentCount,
            h[Ops.HyperparameterLayout.LearningRate], h[Ops.HyperparameterLayout.Momentum], h[Ops.HyperparameterLayout.MomentumWeightDecay]), totalElements);
    }

    private static void Momentum(float* p, float* a, float* g, float lr, float m, float wd, long i, long end)
    {
        var rate = new Vector<float>(lr);
        var mom = new Vector<float>(m);
        var decay = new Vector<float>(wd);
        for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
        {
            var pv = Unsafe.ReadUnaligned<Vector<float>>(p + i);
            var acc = Unsafe.ReadUnaligned<Vector<float>>(a + i) * mom + (Unsafe.ReadUnaligned<Vector<float>>(g + i) + decay * pv);
            Unsafe.WriteUnaligned(a + i, acc);
            Unsafe.WriteUnaligned(p + i, pv - rate * acc);
        }
        for (; i < end; i++)
        {
            float acc = a[i] * m + (g[i] + wd * p[i]);
            a[i] = acc;
            p[i] = p[i] - lr * acc;
        }
    }

    private readonly struct MomentumOp(float* p, float* a, float* g, float lr, float m, float wd) : IRangeOp
    {
        public void Run(long start, long end) => Momentum(p, a, g, lr, m, wd, start, end);
    }

    /// <summary>Elements [start, end) of the segments laid end to end.</summary>
    private readonly struct MomentumMultiOp(float* block, float* accumulations, float* arena, int* segments, int segmentCount, float lr, float m, float wd) : IRangeOp, ISegmentOp
    {
        public void Run(long start, long end) => SegmentWalk.Run(segments, 4, segmentCount, start, end, this);

        public void Run(int* row, long from, long to) => Momentum(block + row[0], accumulations + row[1], arena + row[2], lr, m, wd, from, to);
    }
}
