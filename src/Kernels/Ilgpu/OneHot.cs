using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>One-hot rows: the on value written at each row's index, where the index lies inside the row.</summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(FamilyKeys.OneHot)]
    private Action? BindOneHot(KernelCall call)
    {
        int rows = call.OutputShapes[0][0], depth = call.OutputShapes[0][1];
        if (Empty(rows) || depth == 0) return null;
        var kernel = Loaded(nameof(OneHotKernel),
            () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, int, int, float, int>(OneHotKernel));
        ArrayView<int> indices = call.Inputs[0].Int();
        ArrayView<float> y = call.Outputs[0].Float();
        float on = call.Scalar;
        int t = Threads(rows);
        return () => kernel(t, indices, y, rows, depth, on, t);
    }

    internal static void OneHotKernel(Index1D thread, ArrayView<int> indices, ArrayView<float> y, int rows, int depth, float on, int stride)
    {
        for (int r = thread; r < rows; r += stride)
        {
            int index = indices[r];
            if (index >= 0 && index < depth) y[(long)r * depth + index] = on;
        }
    }
}
