using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// A window of a tensor copied out (<c>slice</c>), written back into zeros (<c>slice_grad</c>) or into the output as it is
/// (<c>place</c>): copies, no arithmetic.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    [TableKernel(FamilyKeys.Slice)]
    private Action? BindSlice(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.InputShapes[0], call.Axes, call.OutputShapes[0]);
        if (geometry.Count == 0) return null;
        var work = new RangeWork<SliceRange>();
        var op = new SliceRange(call.Inputs[0].Float(), call.Outputs[0].Float(), geometry);
        return () => RunRange(work, op, geometry.Count);
    }

    [TableKernel(FamilyKeys.SliceGrad)]
    private Action? BindSliceGrad(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.OutputShapes[0], call.Axes, call.InputShapes[0]);
        if (geometry.FullCount == 0) return null;
        var work = new RangeWork<SliceGradRange>();
        var op = new SliceGradRange(call.Inputs[0].Float(), call.Outputs[0].Float(), geometry);
        return () => RunRange(work, op, geometry.FullCount);
    }

    [TableKernel(FamilyKeys.Place)]
    private Action? BindPlace(KernelCall call)
    {
        var geometry = WindowGeometry.For(call.OutputShapes[0], call.Axes, call.InputShapes[0]);
        if (geometry.Count == 0) return null;
        var work = new RangeWork<PlaceRange>();
        var op = new PlaceRange(call.Inputs[0].Float(), call.Outputs[0].Float(), geometry);
        return () => RunRange(work, op, geometry.Count);
    }

    private readonly struct PlaceRange(float* x, float* y, WindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++) y[g.FullOffset((int)i)] = x[i];
        }
    }

    private readonly struct SliceRange(float* x, float* y, WindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++) y[i] = x[g.FullOffset((int)i)];
        }
    }

    private readonly struct SliceGradRange(float* dy, float* dx, WindowGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                int o = g.WindowOffset((int)i);
                dx[i] = o < 0 ? 0f : dy[o];
            }
        }
    }
}
