namespace Trainer.Kernels.Device;

/// <summary>Recording or replaying a step failed; the message is one line saying which call and why.</summary>
public class StepCaptureException(string message) : Exception(message);
