using System.Runtime.InteropServices;

namespace Trainer.Kernels.OpenCl;

/// <summary>
/// The OpenCL ICD loader, <c>libOpenCL.so.1</c> (<c>OpenCL.dll</c> on Windows): the file
/// <see cref="Ilgpu.NativeDriverResolver"/> gives ILGPU, so a binding here talks to the same
/// platform, contexts and queues as ILGPU's.
/// </summary>
internal static class OpenClLibrary
{
    public static readonly string[] Candidates = OperatingSystem.IsWindows() ? ["OpenCL.dll"] : ["libOpenCL.so.1", "libOpenCL.so"];

    /// <summary>The first candidate that loads, or false where there is no OpenCL loader.</summary>
    public static bool TryLoad(out IntPtr library)
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out library)) return true;
        library = IntPtr.Zero;
        return false;
    }
}
