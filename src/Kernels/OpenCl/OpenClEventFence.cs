using Trainer.Kernels.Device;

namespace Trainer.Kernels.OpenCl;

/// <summary>
/// An OpenCL marker event enqueued on the command queue after a staged copy, queried without
/// blocking (<c>clGetEventInfo</c>, CL_EVENT_COMMAND_EXECUTION_STATUS: CL_COMPLETE done, queued,
/// submitted or running not yet, negative the copy failed). The queue is in order, so the marker
/// completes only after the copy before it has read the host bytes. <see cref="Record"/> also
/// flushes the queue (<c>clFlush</c>, which submits without waiting): OpenCL does not promise to
/// start commands that were never flushed, and a marker nobody waits for must still complete.
/// ILGPU 1.5.3 has no event query of its own, hence this binding (OpenCL 1.2 calls only).
/// <see cref="TryCreate"/> answers null, never throws, where the loader or a call is missing, and
/// the caller keeps its synchronisation-count fence.
/// </summary>
internal sealed unsafe class OpenClEventFence : ICopyFence
{
    private const int Success = 0, Complete = 0, CommandExecutionStatus = 0x11D3;
    private static readonly Lazy<Api?> Loader = new(Api.Load);
    private readonly Api api;
    private readonly Func<IntPtr> queue;
    private IntPtr marker; // the last Record's event until it is seen complete

    private OpenClEventFence(Api api, Func<IntPtr> queue)
    {
        this.api = api;
        this.queue = queue;
    }

    /// <summary>A fence on the command queue <paramref name="queue"/> returns at each record, or null where OpenCL's loader or one of its calls is not available.</summary>
    public static OpenClEventFence? TryCreate(Func<IntPtr> queue) => Loader.Value is { } api ? new OpenClEventFence(api, queue) : null;

    public void Record()
    {
        ReleaseMarker();
        IntPtr commandQueue = queue(), e;
        Check(api.EnqueueMarker(commandQueue, 0, null, &e), "clEnqueueMarkerWithWaitList");
        marker = e;
        Check(api.Flush(commandQueue), "clFlush");
    }

    public bool IsDone()
    {
        if (marker == IntPtr.Zero) return true;
        int status;
        Check(api.GetEventInfo(marker, CommandExecutionStatus, sizeof(int), &status, null), "clGetEventInfo");
        if (status < 0) throw new OpenClException($"a staged copy failed on the OpenCL device: error {status}");
        if (status != Complete) return false;
        ReleaseMarker();
        return true;
    }

    public void Dispose() => ReleaseMarker();

    private void ReleaseMarker()
    {
        if (marker == IntPtr.Zero) return;
        var e = marker;
        marker = IntPtr.Zero;
        Check(api.ReleaseEvent(e), "clReleaseEvent");
    }

    private static void Check(int result, string call)
    {
        if (result != Success) throw new OpenClException($"{call} failed: OpenCL error {result}");
    }

    private sealed class Api
    {
        public delegate* unmanaged<IntPtr, uint, IntPtr*, IntPtr*, int> EnqueueMarker;
        public delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int> GetEventInfo;
        public delegate* unmanaged<IntPtr, int> ReleaseEvent;
        public delegate* unmanaged<IntPtr, int> Flush;

        public static Api? Load()
        {
            if (DriverLibrary.OpenCl.Exports(["clEnqueueMarkerWithWaitList", "clGetEventInfo", "clReleaseEvent", "clFlush"], out _) is not { } e) return null;
            return new Api
            {
                EnqueueMarker = (delegate* unmanaged<IntPtr, uint, IntPtr*, IntPtr*, int>)e[0],
                GetEventInfo = (delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int>)e[1],
                ReleaseEvent = (delegate* unmanaged<IntPtr, int>)e[2],
                Flush = (delegate* unmanaged<IntPtr, int>)e[3],
            };
        }
    }
}
