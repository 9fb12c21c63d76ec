using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>ArgMax along one axis: the index (int32) of the first largest element of each line.</summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(FamilyKeys.ArgMax)]
    private Action? BindArgMax(KernelCall call)
    {
        var (outer, n, inner) = ArgMaxShape.Of(call.InputShapes[0], call.Axes[0]);
        int count = checked(outer * inner);
        if (Empty(count)) return null;
        var kernel = Loaded(nameof(ArgMaxKernel),
            () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, int, int, int, int>(ArgMaxKernel));
        ArrayView<float> x = call.Inputs[0].Float();
        ArrayView<int> y = call.Outputs[0].Int();
        int t = Threads(count);
        return () => kernel(t, x, y, n, inner, count, t);
    }

    internal static void ArgMaxKernel(Index1D thread, ArrayView<float> x, ArrayView<int> y, int n, int inner, int count, int stride)
    {
        for (int o = thread; o < count; o += stride)
        {
            int start = o / inner * n * inner + o % inner;
            float best = x[start];
            int index = 0;
            for (int j = 1; j < n; j++)
            {
                float v = x[start + j * inner];
                if (v > best)
                {
                    best = v;
                    index = j;
                }
            }
            y[o] = index;
        }
    }
}
