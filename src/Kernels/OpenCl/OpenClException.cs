namespace Trainer.Kernels.OpenCl;

/// <summary>An OpenCL call that failed; the message is one line naming the call and the error code.</summary>
public sealed class OpenClException(string message) : Exception(message);
