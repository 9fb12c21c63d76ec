using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>
/// Plain SGD, p ← p − lr·g, in place. The multi-tensor form updates every parameter in one launch:
/// all parameters live in one block and all gradients in one arena, and a segment table of
/// (parameter offset, gradient offset, length) triples, in elements, says which is which.
/// </summary>
public static class SgdUpdate
{
    public static void Kernel(Index1D thread, ArrayView<float> param, ArrayView<float> grad, float learningRate, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
            param[i] = param[i] - learningRate * grad[i];
    }

    public static void MultiTensorKernel(
        Index1D thread, ArrayView<float> paramBlock, ArrayView<float> gradArena, ArrayView<int> segments,
        int segmentCount, float learningRate, int count, int stride)
    {
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
