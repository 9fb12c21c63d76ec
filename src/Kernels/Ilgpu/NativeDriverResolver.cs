using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Maps ILGPU's unversioned driver imports ("cuda", "OpenCL") to the versioned sonames that
/// driver packages always install. Machines without the CUDA toolkit have libcuda.so.1 but no
/// libcuda.so symlink, and ILGPU would then report CUDA as absent.
/// </summary>
internal static class NativeDriverResolver
{
    private static int installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1 || !OperatingSystem.IsLinux())
            return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // ILGPU installs its own resolver under WSL; that one already knows where the driver is.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        IReadOnlyList<string> candidates = libraryName switch
        {
            "cuda" => DriverLibrary.Cuda.Candidates,
            "OpenCL" => DriverLibrary.OpenCl.Candidates,
            _ => [],
        };
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
                return handle;
        }
        return IntPtr.Zero;
    }
}
