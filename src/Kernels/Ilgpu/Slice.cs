using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// A window of a tensor copied out (<c>slice</c>), written back into zeros (<c>slice_grad</c>) or into the output as it is
/// (<c>place</c>): copies, no arithmetic.
/// </summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(FamilyKeys.Slice)]
    private Action? BindSlice(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.InputShapes[0], call.Axes, call.OutputShapes[0]);
        if (Empty(geometry.Count)) return null;
        var kernel = Loaded(nameof(SliceKernel),
            () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, WindowGeometry, int>(SliceKernel));
        ArrayView<float> x = call.Inputs[0].Float(), y = call.Outputs[0].Float();
        int t = Threads(geometry.Count);
        return () => kernel(t, x, y, geometry, t);
    }

    [TableKernel(FamilyKeys.SliceGrad)]
    private Action? BindSliceGrad(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.OutputShapes[0], call.Axes, call.InputShapes[0]);
        if (Empty(geometry.FullCount)) return null;
        var kernel = Loaded(nameof(SliceGradKernel),
            () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, WindowGeometry, int>(SliceGradKernel));
        ArrayView<float> dy = call.Inputs[0].Float(), dx = call.Outputs[0].Float();
        int t = Threads(geometry.FullCount);
        return () => kernel(t, dy, dx, geometry, t);
    }

    [TableKernel(FamilyKeys.Place)]
    private Action? BindPlace(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.OutputShapes[0], call.Axes, call.InputShapes[0]);
        if (Empty(geometry.Count)) return null;
        var kernel = Loaded(nameof(PlaceKernel),
            () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, WindowGeometry, int>(PlaceKernel));
        ArrayView<float> x = call.Inputs[0].Float(), y = call.Outputs[0].Float();
        int t = Threads(geometry.Count);
        return () => kernel(t, x, y, geometry, t);
    }

    internal static void PlaceKernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, WindowGeometry g, int stride)
    {
        for (int i = thread; i < g.Count; i += stride) y[g.FullOffset(i)] = x[i];
    }

    internal static void SliceKernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, WindowGeometry g, int stride)
    {
        for (int i = thread; i < g.Count; i += stride) y[i] = x[g.FullOffset(i)];
    }

    internal static void SliceGradKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> dx, WindowGeometry g, int stride)
    {
        for (int i = thread; i < g.FullCount; i += stride)
        {
            int o = g.WindowOffset(i);
            dx[i] = o < 0 ? 0f : dy[o];
        }
    }
}
