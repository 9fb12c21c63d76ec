using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Adam (MindSpore's ApplyAdam), single and multi-tensor, and the per-step advance of β₁ᵗ and β₂ᵗ.
/// Every thread reads the powers and the hyperparameter block and derives lr_t itself, the same float
/// operations in both forms.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, AdamViews, ArrayView<float>, int, int> adam = null!;
    private Action<Index1D, AdamViews, ArrayView<int>, ArrayView<float>, int, int> adamMulti = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> adamPowers = null!;

    /// <summary>The buffers an Adam launch reads and writes.</summary>
    internal readonly struct AdamViews(ArrayView<float> p, ArrayView<float> m, ArrayView<float> v, ArrayView<float> g, ArrayView<float> beta1Power, ArrayView<float> beta2Power)
    {
        public readonly ArrayView<float> P = p, M = m, V = v, G = g, Beta1Power = beta1Power, Beta2Power = beta2Power;
    }

    /// <summary>Adam's hyperparameters, as a thread reads them from the block (<see cref="Ops.HyperparameterLayout"/>).</summary>
    internal readonly struct AdamScalars(ArrayView<float> block)
    {
        public readonly float LearningRate = block[Ops.HyperparameterLayout.LearningRate], Beta1 = block[Ops.HyperparameterLayout.Beta1],
            Beta2 = block[Ops.HyperparameterLayout.Beta2], Epsilon = block[Ops.HyperparameterLayout.Epsilon], WeightDecay = block[Ops.HyperparameterLayout.AdamWeightDecay];
    }

    private void LoadAdamUpdate()
    {
        adam = accelerator.LoadAutoGroupedStreamKernel<Index1D, AdamViews, ArrayView<float>, int, int>(AdamKernel);
        adamMulti = accelerator.LoadAutoGroupedStreamKernel<Index1D, AdamViews, ArrayView<int>, ArrayView<float>, int, int>(AdamMultiTensorKernel);
        adamPowers = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AdamPowersKernel);
    }

    /// <inheritdoc/>
    void ILayerKernels.AdamUpdate(DeviceBuffer parameter, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradient, DeviceBuffer beta1Power, DeviceBuffer beta2Power,
        int count, DeviceBuffer hyperparameters)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        adam(t, new AdamViews(parameter.Float(), m.Float(), v.Float(), gradient.Float(), beta1Power.Float(), beta2Power.Float()),
            hyperparameters.Float(), count, t);
    }

    /// <inheritdoc/>
    void ILayerKernels.AdamUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer mBlock, DeviceBuffer vBlock, DeviceBuffer gradientArena, DeviceBuffer segments,
        DeviceBuffer beta1Power, DeviceBuffer beta2Power, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (Empty(totalElements)) return;
        LaunchCount++;
        int t = Threads(totalElements);
        adamMulti(t, new AdamViews(parameterBlock.Float(), mBlock.Float(), vBlock.Float(), gradientArena.Float(), beta1Power.Float(), beta2Power.Float()),
            segments.Int(), hyperparameters.Float(), segmentCount, t);
    }

    /// <inheritdoc />
    void ILayerKernels.AdamBetaPowers(DeviceBuffer beta1Power, DeviceBuffer beta2Power, DeviceBuffer hyperparameters)
    {
        LaunchCount++;
        adamPowers(1, beta1Power.Float(), beta2Power.Float(), hyperparameters.Float());
    }

    /// <summary>lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), with βᵢᵗ = fl(power·βᵢ).</summary>
    internal static float AdamStepSize(float beta1Power, float beta2Power, AdamScalars s)
    {
        float b1t = beta1Power * s.Beta1, b2t = beta2Power * s.Beta2;
        return s.LearningRate * MathF.Sqrt(1f - b2t) / (1f - b1t);
    }

    internal static void AdamElement(AdamViews b, long pi, long mi, long vi, long gi, float stepSize, AdamScalars s)
    {
        float p = b.P[pi];
        float g = b.G[gi] + s.WeightDecay * p;
        float m = b.M[mi] + (g - b.M[mi]) * (1f - s.Beta1);
        float v = b.V[vi] + (g * g - b.V[vi]) * (1f - s.Beta2);
        b.M[mi] = m;
        b.V[vi] = v;
        b.P[pi] = p - stepSize * m / (MathF.Sqrt(v) + s.Epsilon);
    }

    internal static void AdamKernel(Index1D thread, AdamViews b, ArrayView<float> hyperparameters, int count, int stride)
    {
        var s = new AdamScalars(hyperparameters);
        float stepSize = AdamStepSize(b.Beta1Power[0], b.Beta2Power[0], s);
        for (int i = thread; i < count; i += stride) AdamElement(b, i, i, i, i, stepSize, s);
    }

    internal static void AdamMultiTensorKernel(Index1D thread, AdamViews b, ArrayView<int> segments, ArrayView<float> hyperparameters, int segmentCount, int stride)
    {
        var s = new AdamScalars(hyperparameters);
        float stepSize = AdamStepSize(b.Beta1Power[0], b.Beta2Power[0], s);
        for (int seg = 0; seg < segmentCount; seg++)
        {
            long p0 = segments[seg * 5], m0 = segments[seg * 5 + 1], v0 = segments[seg * 5 + 2], g0 = segments[seg * 5 + 3];
            int length = segments[seg * 5 + 4];
            for (int i = thread; i < length; i += stride) AdamElement(b, p0 + i, m0 + i, v0 + i, g0 + i, stepSize, s);
        }
    }

    internal static void AdamPowersKernel(Index1D thread, ArrayView<float> beta1Power, ArrayView<float> beta2Power, ArrayView<float> hyperparameters)
    {
        if (thread != 0) return;
        beta1Power[0] = beta1Power[0] * hyperparameters[Ops.HyperparameterLayout.Beta1];
        beta2Power[0] = beta2Power[0] * hyperparameters[Ops.HyperparameterLayout.Beta2];
    }
}
