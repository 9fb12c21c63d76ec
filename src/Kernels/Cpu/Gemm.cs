using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Cpu;

/// <summary>GEMM with its fused epilogue, on <see cref="CpuGemm"/>'s packed, register-tiled kernels.</summary>
public sealed unsafe partial class CpuBackend
{
    private readonly CpuGemm gemm;

    /// <inheritdoc/>
    public string GemmKernel => $"packed {CpuGemm.Isa} (native C#), {Threads} thread{(Threads == 1 ? "" : "s")}";

    /// <inheritdoc/>
    void ILayerKernels.Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask)
    {
        if (!Launch((long)shape.M * shape.N)) return;
        // The SGD epilogue's learning rate is a device value; here device memory is host memory, so it is read now, at launch.
        if (epilogue.HasSgd) epilogue = new GemmEpilogue(epilogue.Flags, bias!.Float()[Ops.HyperparameterLayout.LearningRate]);
        gemm.Run(a.Float(), b.Float(), c.Float(), shape, epilogue,
            epilogue.HasBias ? bias!.Float() : null,
            epilogue.HasMask ? mask!.Float() : null);
    }
}
