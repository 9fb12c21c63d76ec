using System.Runtime.InteropServices;

namespace Trainer.Kernels.Cuda;

/// <summary>
/// The CUDA driver library, <c>libcuda.so.1</c> (<c>nvcuda.dll</c> on Windows): the file
/// <see cref="Ilgpu.NativeDriverResolver"/> gives ILGPU, so every binding here talks to the same
/// driver and CUDA context.
/// </summary>
internal static class CudaDriverLibrary
{
    public static readonly string[] Candidates = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];

    /// <summary>The first candidate that loads, or false where there is no driver.</summary>
    public static bool TryLoad(out IntPtr library)
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out library)) return true;
        library = IntPtr.Zero;
        return false;
    }
}
