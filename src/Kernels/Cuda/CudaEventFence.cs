using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cuda;

/// <summary>
/// A CUDA event recorded on the stream after a staged copy, queried without blocking
/// (<c>cuEventQuery</c>: CUDA_SUCCESS done, CUDA_ERROR_NOT_READY not yet). Created without timing
/// (<c>CU_EVENT_DISABLE_TIMING</c>), the cheapest kind. The driver is <c>libcuda.so.1</c>, the one
/// ILGPU uses, and the event is made in the CUDA context current on the calling thread, which is
/// the accelerator's. <see cref="TryCreate"/> answers null, never throws, where events cannot be
/// had, and the caller keeps its synchronisation-count fence.
/// </summary>
internal sealed unsafe class CudaEventFence : ICopyFence
{
    private const int Success = 0, NotReady = 600, DisableTiming = 2;
    private static readonly Lazy<Api?> Driver = new(Api.Load);
    private readonly Api api;
    private readonly Func<IntPtr> stream;
    private IntPtr handle;
    private bool recorded;

    private CudaEventFence(Api api, IntPtr handle, Func<IntPtr> stream)
    {
        this.api = api;
        this.handle = handle;
        this.stream = stream;
    }

    /// <summary>A fence on the stream <paramref name="stream"/> returns at each record, or null where the driver or an event is not available.</summary>
    public static CudaEventFence? TryCreate(Func<IntPtr> stream)
    {
        if (Driver.Value is not { } api) return null;
        IntPtr handle;
        return api.Create(&handle, DisableTiming) == Success ? new CudaEventFence(api, handle, stream) : null;
    }

    public void Record()
    {
        int result = api.Record(handle, stream());
        if (result != Success) throw new CudaDriverException($"cuEventRecord failed: CUresult {result}");
        recorded = true;
    }

    public bool IsDone()
    {
        if (!recorded) return true;
        int result = api.Query(handle);
        if (result == NotReady) return false;
        if (result != Success) throw new CudaDriverException($"cuEventQuery failed: CUresult {result}");
        recorded = false;
        return true;
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        api.Destroy(handle);
        handle = IntPtr.Zero;
    }

    private sealed class Api
    {
        public delegate* unmanaged<IntPtr*, uint, int> Create;
        public delegate* unmanaged<IntPtr, IntPtr, int> Record;
        public delegate* unmanaged<IntPtr, int> Query;
        public delegate* unmanaged<IntPtr, int> Destroy;

        public static Api? Load()
        {
            if (DriverLibrary.Cuda.Exports(["cuEventCreate", "cuEventRecord", "cuEventQuery", "cuEventDestroy_v2"], out _) is not { } e) return null;
            return new Api
            {
                Create = (delegate* unmanaged<IntPtr*, uint, int>)e[0],
                Record = (delegate* unmanaged<IntPtr, IntPtr, int>)e[1],
                Query = (delegate* unmanaged<IntPtr, int>)e[2],
                Destroy = (delegate* unmanaged<IntPtr, int>)e[3],
            };
        }
    }
}
