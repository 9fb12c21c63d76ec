using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests;

/// <summary>
/// Upload/download helpers so tests read as data in, data out.
/// Every host array is pinned around the copy: <see cref="IKernelBackend.Upload{T}"/> and
/// <see cref="IKernelBackend.Download{T}"/> hand ILGPU a raw reference to the span without pinning
/// it, and ILGPU turns that into a pointer (CopyTo/FromCPUUnsafeAsync expect pinned memory), so a
/// garbage collection on another thread mid-copy moves the array and the copy goes to or from its
/// old address (see <see cref="Device.TransferTests"/>). Pinning here keeps the kernel tests about
/// the kernels.
/// </summary>
internal static class BackendExtensions
{
    public static void UploadPinned<T>(this IKernelBackend backend, DeviceBuffer destination, T[] source) where T : unmanaged
    {
        var handle = GCHandle.Alloc(source, GCHandleType.Pinned);
        try { backend.Upload<T>(destination, source); }
        finally { handle.Free(); }
    }

    public static void DownloadPinned<T>(this IKernelBackend backend, DeviceBuffer source, T[] destination) where T : unmanaged
    {
        var handle = GCHandle.Alloc(destination, GCHandleType.Pinned);
        try { backend.Download<T>(source, destination); }
        finally { handle.Free(); }
    }

    private static DeviceBuffer PutArray<T>(IKernelBackend backend, T[] data) where T : unmanaged
    {
        var buffer = backend.Allocate(data.Length * (long)Marshal.SizeOf<T>());
        backend.UploadPinned(buffer, data);
        return buffer;
    }

    public static DeviceBuffer Put(this IKernelBackend backend, float[] data) => PutArray(backend, data);

    public static DeviceBuffer Put(this IKernelBackend backend, int[] data) => PutArray(backend, data);

    public static DeviceBuffer Put(this IKernelBackend backend, byte[] data) => PutArray(backend, data);

    /// <summary>A buffer of <paramref name="count"/> floats, every one set to <paramref name="sentinel"/> (so stray writes show).</summary>
    public static DeviceBuffer Filled(this IKernelBackend backend, int count, float sentinel)
    {
        var data = new float[count];
        Array.Fill(data, sentinel);
        return backend.Put(data);
    }

    public static float[] Floats(this IKernelBackend backend, DeviceBuffer buffer, int count)
    {
        backend.Synchronize();
        var result = new float[count];
        backend.DownloadPinned(buffer, result);
        return result;
    }

    public static int[] Ints(this IKernelBackend backend, DeviceBuffer buffer, int count)
    {
        backend.Synchronize();
        var result = new int[count];
        backend.DownloadPinned(buffer, result);
        return result;
    }

    public static float Scalar(this IKernelBackend backend, DeviceBuffer buffer) => backend.Floats(buffer, 1)[0];
}
