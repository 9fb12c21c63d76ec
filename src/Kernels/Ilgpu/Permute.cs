using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>Permute (a transpose): the binary <c>first</c> kernel walking the input's strides in the permuted order.</summary>
public sealed partial class IlgpuBackend
{
    [TableKernel(FamilyKeys.Permute)]
    private Action? BindPermute(KernelCall call)
    {
        var geometry = BroadcastGeometry.Permuted(call.InputShapes[0], call.Axes);
        if (Empty(geometry.Count)) return null;
        var kernel = Loaded(nameof(BindPermute), () => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            Families.Binary.First, BroadcastGeometry, int>(BinaryKernel<Families.Binary.First>));
        ArrayView<float> x = call.Inputs[0].Float(), y = call.Outputs[0].Float();
        int t = Threads(geometry.Count);
        return () => kernel(t, x, x, y, default, geometry, t);
    }
}
