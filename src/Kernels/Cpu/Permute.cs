using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>Permute (a transpose): the binary <c>first</c> loop walking the input's strides in the permuted order.</summary>
public sealed unsafe partial class CpuBackend
{
    [TableKernel(FamilyKeys.Permute)]
    private Action? BindPermute(KernelCall call)
    {
        var geometry = BroadcastGeometry.Permuted(call.InputShapes[0], call.Axes);
        if (geometry.Count == 0) return null;
        var work = new RangeWork<BinaryRange<Families.Binary.First>>();
        var op = new BinaryRange<Families.Binary.First>(call.Inputs[0].Float(), call.Inputs[0].Float(), call.Outputs[0].Float(), geometry);
        return () => RunRange(work, op, geometry.Count);
    }
}
