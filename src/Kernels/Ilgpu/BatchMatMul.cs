using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Batched matrix products, one output element per thread step: its K products summed in order p = 0..K-1 from zero,
/// the native backend's order, so both give the same bits.
/// </summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(FamilyKeys.BatchMatMul)]
    private Action? BindBatchMatMul(KernelCall call)
    {
        var shape = BatchMatMulShape.For(call.InputShapes[0], call.InputShapes[1], call.Axes[0] != 0, call.Axes[1] != 0);
        if (Empty(shape.Count)) return null;
        var kernel = Loaded(nameof(BatchMatMulKernel), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            BatchMatMulShape, int>(BatchMatMulKernel));
        ArrayView<float> a = call.Inputs[0].Float(), b = call.Inputs[1].Float(), y = call.Outputs[0].Float();
        int t = Threads(shape.Count);
        return () => kernel(t, a, b, y, shape, t);
    }

    internal static void BatchMatMulKernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, BatchMatMulShape s, int stride)
    {
        for (int i = thread; i < s.Count; i += stride)
        {
            s.Bases(i, out int pa, out int pb);
            float acc = 0f;
            for (int p = 0; p < s.K; p++)
            {
                float product = a[pa + p * s.AStrideP] * b[pb + p * s.BStrideP];
                acc += product;
            }
            y[i] = acc;
        }
    }
}
