namespace Trainer.Kernels.Device;

/// <summary>Thrown when the user asked for a device kind that this machine does not have.</summary>
public sealed class DeviceNotAvailableException(string message) : Exception(message);
