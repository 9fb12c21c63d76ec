using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Adam (MindSpore's ApplyAdam), single and multi-tensor, and the per-step advance of β₁ᵗ and β₂ᵗ,
/// with the GPU kernel's float operations (no fused multiply-add; IEEE square root and division, so
/// vector and scalar lanes agree), and so the one-tensor and multi-tensor forms agree bit for bit.
/// The multi-tensor table holds (parameter, m, v, gradient offset, length) quintuples in elements.
/// The powers and the hyperparameter block are read at launch (device memory is host memory here).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<AdamOp> adam = new();
    private readonly RangeWork<AdamMultiOp> adamMulti = new();

    /// <inheritdoc/>
    void ILayerKernels.AdamUpdate(DeviceBuffer parameter, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradient, DeviceBuffer beta1Power, DeviceBuffer beta2Power,
        int count, DeviceBuffer hyperparameters)
    {
        if (!Launch(count)) return;
        var k = new AdamConstants(beta1Power.Float()[0], beta2Power.Float()[0], hyperparameters.Float());
        RunRange(adam, new AdamOp(parameter.Float(), m.Float(), v.Float(), gradient.Float(), k), count);
    }

    /// <inheritdoc/>
    void ILayerKernels.AdamUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer mBlock, DeviceBuffer vBlock, DeviceBuffer gradientArena, DeviceBuffer segments,
        DeviceBuffer beta1Power, DeviceBuffer beta2Power, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (!Launch(totalElements)) return;
        var k = new AdamConstants(beta1Power.Float()[0], beta2Power.Float()[0], hyperparameters.Float());
        RunRange(adamMulti, new AdamMultiOp(parameterBlock.Float(), mBlock.Float(), vBlock.Float(), gradientArena.Float(), segments.Int(), segmentCount, k), totalElements);
    }

    /// <inheritdoc />
    void ILayerKernels.AdamBetaPowers(DeviceBuffer beta1Power, DeviceBuffer beta2Power, DeviceBuffer hyperparameters)
    {
        LaunchCount++;
        float* b1 = beta1Power.Float(), b2 = beta2Power.Float(), h = hyperparameters.Float();
        b1[0] = b1[0] * h[Ops.HyperparameterLayout.Beta1];
        b2[0] = b2[0] * h[Ops.HyperparameterLayout.Beta2];
    }

    /// <summary>What every element of one launch shares: lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) with βᵢᵗ = fl(power·βᵢ), and 1 − βᵢ.</summary>
    private readonly struct AdamConstants
    {
        public readonly float StepSize, OneMinusBeta1, OneMinusBeta2, Epsilon, WeightDecay;

        public AdamConstants(float beta1Power, float beta2Power, float* block)
        {
            float learningRate = block[Ops.HyperparameterLayout.LearningRate], beta1 = block[Ops.HyperparameterLayout.Beta1],
                beta2 = block[Ops.HyperparameterLayout.Beta2], epsilon = block[Ops.HyperparameterLayout.Epsilon],
                weightDecay = block[Ops.HyperparameterLayout.AdamWeightDecay];
            WeightDecay = weightDecay;
            float b1t = beta1Power * beta1, b2t = beta2Power * beta2;
            StepSize = learningRate * MathF.Sqrt(1f - b2t) / (1f - b1t);
            OneMinusBeta1 = 1f - beta1;
            OneMinusBeta2 = 1f - beta2;
            Epsilon = epsilon;
        }
    }

    private static void Adam(float* p, float* m, float* v, float* g, in AdamConstants k, long i, long end)
    {
        var step = new Vector<float>(k.StepSize);
        var c1 = new Vector<float>(k.OneMinusBeta1);
        var c2 = new Vector<float>(k.OneMinusBeta2);
        var eps = new Vector<float>(k.Epsilon);
        var decay = new Vector<float>(k.WeightDecay);
        for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
        {
            var pv = Unsafe.ReadUnaligned<Vector<float>>(p + i);
            var gv = Unsafe.ReadUnaligned<Vector<float>>(g + i) + decay * pv;
            var mv = Unsafe.ReadUnaligned<Vector<float>>(m + i);
            var vv = Unsafe.ReadUnaligned<Vector<float>>(v + i);
            mv += (gv - mv) * c1;
            vv += (gv * gv - vv) * c2;
            Unsafe.WriteUnaligned(m + i, mv);
            Unsafe.WriteUnaligned(v + i, vv);
            Unsafe.WriteUnaligned(p + i, pv - step * mv / (Vector.SquareRoot(vv) + eps));
        }
        for (; i < end; i++)
        {
            float gi = g[i] + k.WeightDecay * p[i];
            float mi = m[i] + (gi - m[i]) * k.OneMinusBeta1;
            float vi = v[i] + (gi * gi - v[i]) * k.OneMinusBeta2;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] - k.StepSize * mi / (MathF.Sqrt(vi) + k.Epsilon);
        }
    }

    private readonly struct AdamOp(float* p, float* m, float* v, float* g, AdamConstants k) : IRangeOp
    {
        public void Run(long start, long end) => Adam(p, m, v, g, k, start, end);
    }

    /// <summary>Elements [start, end) of the segments laid end to end.</summary>
    private readonly struct AdamMultiOp(float* block, float* mBlock, float* vBlock, float* arena, int* segments, int segmentCount, AdamConstants k) : IRangeOp, ISegmentOp
    {
        public void Run(long start, long end) => SegmentWalk.Run(segments, 5, segmentCount, start, end, this);

        public void Run(int* row, long from, long to) => Adam(block + row[0], mBlock + row[1], vBlock + row[2], arena + row[3], k, from, to);
    }
}
