using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Plain SGD, p ← p − lr·g in place, as fl(p − fl(lr·g)) like the GPU kernel (no fused multiply-add,
/// so the one-tensor and multi-tensor forms agree bit for bit). The multi-tensor form updates every
/// parameter in one launch from a segment table of (parameter offset, gradient offset, length)
/// triples, in elements; its tasks are chunks of the concatenated segments. The learning rate is
/// read from the hyperparameter block at launch (device memory is host memory here).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<SgdOp> sgd = new();
    private readonly RangeWork<SgdMultiOp> sgdMulti = new();

    /// <inheritdoc />
    void ILayerKernels.SgdUpdate(DeviceBuffer parameter, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        if (Launch(count)) RunRange(sgd, new SgdOp(parameter.Float(), gradient.Float(), hyperparameters.Float()[Ops.HyperparameterLayout.LearningRate]), count);
    }

    /// <inheritdoc />
    void ILayerKernels.SgdUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (Launch(totalElements))
            RunRange(sgdMulti, new SgdMultiOp(parameterBlock.Float(), gradientArena.Float(), segments.Int(), segmentCount,
                hyperparameters.Float()[Ops.HyperparameterLayout.LearningRate]), totalElements);
    }

    private static void Sgd(float* p, float* g, float lr, long i, long end)
    {
        var rate = new Vector<float>(lr);
        for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            Unsafe.WriteUnaligned(p + i, Unsafe.ReadUnaligned<Vector<float>>(p + i) - rate * Unsafe.ReadUnaligned<Vector<float>>(g + i));
        for (; i < end; i++) p[i] = p[i] - lr * g[i];
    }

    private readonly struct SgdOp(float* p, float* g, float lr) : IRangeOp
    {
        public void Run(long start, long end) => Sgd(p, g, lr, start, end);
    }

    /// <summary>Elements [start, end) of the segments laid end to end.</summary>
    private readonly struct SgdMultiOp(float* block, float* arena, int* segments, int segmentCount, float lr) : IRangeOp, ISegmentOp
    {
        public void Run(long start, long end) => SegmentWalk.Run(segments, 3, segmentCount, start, end, this);

        public void Run(int* row, long from, long to) => Sgd(block + row[0], arena + row[1], lr, from, to);
    }
}
