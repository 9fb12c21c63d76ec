using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Plain SGD, p ← p − lr·g, in place. The multi-tensor form updates every parameter in one launch:
/// all parameters live in one block and all gradients in one arena, and a segment table of
/// (parameter offset, gradient offset, length) triples, in elements, says which is which. The
/// learning rate is read from the hyperparameter block on the device when the kernel runs.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> sgd = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, ArrayView<float>, int, int> sgdMulti = null!;

    private void LoadSgdUpdate()
    {
        sgd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(SgdKernel);
        sgdMulti = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, ArrayView<float>, int, int>(SgdMultiTensorKernel);
    }

    /// <inheritdoc />
    void ILayerKernels.SgdUpdate(DeviceBuffer parameter, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        sgd(t, parameter.Float(), gradient.Float(), hyperparameters.Float(), count, t);
    }

    /// <inheritdoc />
    void ILayerKernels.SgdUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters)
    {
        if (Empty(totalElements)) return;
        LaunchCount++;
        int t = Threads(totalElements);
        sgdMulti(t, parameterBlock.Float(), gradientArena.Float(), segments.Int(), segmentCount, hyperparameters.Float(), totalElements, t);
    }

    internal static void SgdKernel(Index1D thread, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> hyperparameters, int count, int stride)
    {
        float learningRate = hyperparameters[Ops.HyperparameterLayout.LearningRate];
        for (int i = thread; i < count; i += stride)
            param[i] = param[i] - learningRate * grad[i];
    }

    internal static void SgdMultiTensorKernel(
        Index1D thread, ArrayView<float> paramBlock, ArrayView<float> gradArena, ArrayView<int> segments,
        int segmentCount, ArrayView<float> hyperparameters, int count, int stride)
    {
        float learningRate = hyperparameters[Ops.HyperparameterLayout.LearningRate];
        // Segment by segment, each thread taking every stride-th element: no per-element search
        // of the table, and consecutive threads touch consecutive addresses.
        for (int s = 0; s < segmentCount; s++)
        {
            long p0 = segments[s * 3], g0 = segments[s * 3 + 1];
            int length = segments[s * 3 + 2];
            for (int i = thread; i < length; i += stride)
                paramBlock[p0 + i] = paramBlock[p0 + i] - learningRate * gradArena[g0 + i];
        }
    }
}
