namespace Trainer.Kernels.Device;

/// <summary>One device as its backend reports it, for `trainer devices` and for choosing.</summary>
public sealed record DeviceDescription(
    DeviceKind Kind,
    string Name,
    long MemoryBytes,
    int WarpSize,
    int MaxGroupSize,
    int Multiprocessors)
{
    /// <summary>Kind and name in one short phrase, e.g. <c>cuda: NVIDIA H100 80GB HBM3</c>.</summary>
    public string Summary => $"{DeviceKindNames.Name(Kind)}: {Name}";

    /// <summary>One line for <c>trainer devices</c>: kind, name, memory and, for GPUs, warp size, group size and multiprocessors.</summary>
    public override string ToString() => Kind == DeviceKind.Cpu
        ? $"{DeviceKindNames.Name(Kind),-9} {Name}  memory {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB"
        : $"{DeviceKindNames.Name(Kind),-9} {Name}  memory {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, " +
          $"warp {WarpSize}, max group {MaxGroupSize}, multiprocessors {Multiprocessors}";
}
