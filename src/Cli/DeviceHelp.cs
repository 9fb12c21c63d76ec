namespace Trainer.Cli;

/// <summary>The device names, as every command's help explains them.</summary>
public static class DeviceHelp
{
    public const string Text =
        "  Devices: cuda and opencl are GPUs (through ILGPU); cpu is the native backend (plain C# SIMD\n" +
        "  kernels on a worker pool, --threads N workers, default one per core); ilgpu-cpu is ILGPU's CPU\n" +
        "  accelerator, which emulates a GPU to test the GPU kernels and is much slower. auto (the default)\n" +
        "  takes cuda, then opencl, then cpu, and says which it took and why.";
}
