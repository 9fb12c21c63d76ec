using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.SelfTest;

/// <summary>
/// A backend that is deliberately wrong in two ways, to check that the self-test notices:
/// its GEMM adds <see cref="GemmError"/> to element [M/2, N/3] of C (about one product term of a
/// dot product with inputs in [-1, 1]), and its fill writes one element too many.
/// Everything else is the real backend.
/// </summary>
internal sealed class FaultyBackend(IKernelBackend inner) : DelegatingBackend(inner)
{
    public const float GemmError = 0.05f;

    protected override void Launched(string key, KernelCall call)
    {
        if (key != KernelKeys.Gemm) return;
        var shape = ((GemmAttributes)call.Attributes!).Shape;
        var c = call.Outputs[0];
        Inner.Synchronize();
        var values = new float[shape.M * shape.N];
        Inner.Download<float>(c, values);
        values[shape.M / 2 * shape.N + shape.N / 3] += GemmError;
        Inner.Upload<float>(c, values);
    }

    protected override KernelCall Rewrite(string key, KernelCall call) =>
        key == KernelKeys.Fill ? call with { OutputShapes = [[(int)KernelCall.ElementCount(call.OutputShapes[0]) + 1]] } : call;
}
