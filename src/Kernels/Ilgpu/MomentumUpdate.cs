using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// SGD with momentum, a ← a·m + g then p ← p − lr·a, in place. The multi-tensor form updates every
/// parameter in one launch from a table of (parameter offset, accumulation offset, gradient offset,
/// length) quadruples, in elements; both forms do the same float operations, so they agree bit for bit.
/// The learning rate, coefficient and weight decay are read from the hyperparameter block when the kernel runs.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> momentum = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, ArrayView<float>, int> momentumMulti = null!;

    private void LoadMomentumUpdate()
    {
        momentum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(MomentumKernel);
        momentumMulti = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, ArrayView<float>, int>(MomentumMultiTensorKernel);
    }

    /// <inheritdoc />
    void ILayerKernels.MomentumUpdate(DeviceBuffer parameter, DeviceBuffer accumulation, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        this.momentum(t, parameter.Float(), accumulation.Float(), gradient.Float(), hyperparameters.Float(), count, t);
    }

    /// <inheritdoc />
    void ILayerKernels.MomentumUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer accumulationBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (Empty(totalElements)) return;
        LaunchCount++;
        int t = Threads(totalElements);
        momentumMulti(t, parameterBlock.Float(), accumulationBlock.Float(), gradientArena.Float(), segments.Int(), segmentCount, hyperparameters.Float(), t);
    }

    internal static void MomentumKernel(Index1D thread, ArrayView<float> param, ArrayView<float> accum, ArrayView<float> grad, ArrayView<float> hyperparameters, int count, int stride)
    {
        float learningRate = hyperparameters[Ops.HyperparameterLayout.LearningRate];
        float momentum = hyperparameters[Ops.HyperparameterLayout.Momentum];
        float weightDecay = hyperparameters[Ops.HyperparameterLayout.MomentumWeightDecay];
        for (int i = thread; i < count; i += stride)
        {
            float p = param[i];
            float a = accum[i] * momentum + (grad[i] + weightDecay * p);
            accum[i] = a;
            param[i] = p - learningRate * a;
        }
    }

    internal static void MomentumMultiTensorKernel(
        Index1D thread, ArrayView<float> paramBlock, ArrayView<float> accumBlock, ArrayView<float> gradArena, ArrayView<int> segments,
        int segmentCount, ArrayView<float> hyperparameters, int stride)
    {
        float learningRate = hyperparameters[Ops.HyperparameterLayout.LearningRate];
        float momentum = hyperparameters[Ops.HyperparameterLayout.Momentum];
        float weightDecay = hyperparameters[Ops.HyperparameterLayout.MomentumWeightDecay];
        for (int s = 0; s < segmentCount; s++)
        {
            long p0 = segments[s * 4], a0 = segments[s * 4 + 1], g0 = segments[s * 4 + 2];
            int length = segments[s * 4 + 3];
            for (int i = thread; i < length; i += stride)
            {
                float p = paramBlock[p0 + i];
                float a = accumBlock[a0 + i] * momentum + (gradArena[g0 + i] + weightDecay * p);
                accumBlock[a0 + i] = a;
                paramBlock[p0 + i] = p - learningRate * a;
            }
        }
    }
}
