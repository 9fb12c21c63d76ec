using System.Runtime.InteropServices;

namespace Trainer.Kernels.Device;

/// <summary>
/// A GPU driver library the backends bind a few calls of themselves, beside ILGPU (CUDA graphs and
/// events, OpenCL marker events), and the file names it goes by: <c>libcuda.so.1</c> and
/// <c>libOpenCL.so.1</c>, the versioned names driver packages always install, which
/// <see cref="Ilgpu.NativeDriverResolver"/> also gives ILGPU, so both talk to one driver.
/// </summary>
internal sealed class DriverLibrary(string[] candidates)
{
    public static DriverLibrary Cuda { get; } = new(OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"]);

    public static DriverLibrary OpenCl { get; } = new(OperatingSystem.IsWindows() ? ["OpenCL.dll"] : ["libOpenCL.so.1", "libOpenCL.so"]);

    /// <summary>The names tried, in order.</summary>
    public IReadOnlyList<string> Candidates { get; } = candidates;

    /// <summary>
    /// The addresses of <paramref name="names"/>, in order, in the first candidate that loads; null where none
    /// loads (<paramref name="missing"/> null) or where it lacks one (<paramref name="missing"/> names the first).
    /// </summary>
    public IntPtr[]? Exports(IReadOnlyList<string> names, out string? missing)
    {
        missing = null;
        if (!TryLoad(out var library)) return null;
        var addresses = new IntPtr[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (!NativeLibrary.TryGetExport(library, names[i], out addresses[i]))
            {
                missing = names[i];
                return null;
            }
        }
        return addresses;
    }

    /// <summary>The first candidate that loads, or false where the driver is not installed.</summary>
    public bool TryLoad(out IntPtr library)
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out library)) return true;
        library = IntPtr.Zero;
        return false;
    }
}
