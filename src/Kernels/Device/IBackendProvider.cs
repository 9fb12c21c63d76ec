namespace Trainer.Kernels.Device;

/// <summary>
/// One family of backends in the <see cref="DeviceCatalog"/>: it says which devices of its kinds
/// are present and opens them. Adding a backend is adding a provider to the catalog's list.
/// </summary>
public interface IBackendProvider
{
    /// <summary>The kinds this provider opens.</summary>
    IReadOnlyList<DeviceKind> Kinds { get; }

    /// <summary>The devices of its kinds present on this machine.</summary>
    IReadOnlyList<DeviceDescription> Discover();

    /// <summary>
    /// Devices of <paramref name="kind"/> that are on this machine but that the provider cannot use,
    /// one line each saying why (an OpenCL 1.2 device, say): what a user asking for the kind is told.
    /// </summary>
    IReadOnlyList<string> Unusable(DeviceKind kind) => [];

    /// <summary>Opens a device of <paramref name="kind"/>; throws <see cref="DeviceNotAvailableException"/> if none is present.</summary>
    IKernelBackend Open(DeviceKind kind, DeviceOptions options);
}
