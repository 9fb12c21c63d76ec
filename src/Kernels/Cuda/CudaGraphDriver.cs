using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cuda;

/// <summary>
/// The few CUDA driver API calls that stream capture and graph replay need, and nothing else: ILGPU
/// 1.5.3 has no binding for them. The library is <c>libcuda.so.1</c> (<c>nvcuda.dll</c> on Windows),
/// the same file <see cref="Ilgpu.NativeDriverResolver"/> gives ILGPU, so both talk to one driver and
/// one CUDA context. Every entry point is looked up when the driver is opened: a driver that lacks one
/// (cuGraphInstantiateWithFlags needs CUDA 11.4) is reported then, by name, not at the first call.
/// Every call's result is checked and a failure becomes a <see cref="CudaDriverException"/> whose
/// one-line message names the call and the CUresult ("cuStreamEndCapture failed:
/// CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (901)").
/// </summary>
internal sealed unsafe class CudaGraphDriver
{
    /// <summary>CUstreamCaptureMode. See <see cref="BeginCapture"/> for why THREAD_LOCAL.</summary>
    private const int CaptureModeThreadLocal = 1;

    private static readonly Lazy<(CudaGraphDriver? Driver, string? Why)> Shared = new(Load);

    private readonly delegate* unmanaged<IntPtr, int, int> streamBeginCapture;
    private readonly delegate* unmanaged<IntPtr, IntPtr*, int> streamEndCapture;
    private readonly delegate* unmanaged<IntPtr, int*, int> streamIsCapturing;
    private readonly delegate* unmanaged<IntPtr*, IntPtr, ulong, int> graphInstantiateWithFlags;
    private readonly delegate* unmanaged<IntPtr, IntPtr*, nuint*, int> graphGetNodes;
    private readonly delegate* unmanaged<IntPtr, IntPtr, int> graphLaunch;
    private readonly delegate* unmanaged<IntPtr, int> graphExecDestroy;
    private readonly delegate* unmanaged<IntPtr, int> graphDestroy;
    private readonly delegate* unmanaged<int, byte**, int> getErrorName;

    /// <summary>The calls bound, in the order the constructor reads them.</summary>
    private static readonly string[] Calls =
    [
        "cuStreamBeginCapture_v2", "cuStreamEndCapture", "cuStreamIsCapturing", "cuGraphInstantiateWithFlags",
        "cuGraphGetNodes", "cuGraphLaunch", "cuGraphExecDestroy", "cuGraphDestroy", "cuGetErrorName",
    ];

    private CudaGraphDriver(IntPtr[] e)
    {
        streamBeginCapture = (delegate* unmanaged<IntPtr, int, int>)e[0];
        streamEndCapture = (delegate* unmanaged<IntPtr, IntPtr*, int>)e[1];
        streamIsCapturing = (delegate* unmanaged<IntPtr, int*, int>)e[2];
        graphInstantiateWithFlags = (delegate* unmanaged<IntPtr*, IntPtr, ulong, int>)e[3];
        graphGetNodes = (delegate* unmanaged<IntPtr, IntPtr*, nuint*, int>)e[4];
        graphLaunch = (delegate* unmanaged<IntPtr, IntPtr, int>)e[5];
        graphExecDestroy = (delegate* unmanaged<IntPtr, int>)e[6];
        graphDestroy = (delegate* unmanaged<IntPtr, int>)e[7];
        getErrorName = (delegate* unmanaged<int, byte**, int>)e[8];
    }

    /// <summary>The driver, opened once per process; throws <see cref="CudaDriverException"/> saying why it cannot be.</summary>
    public static CudaGraphDriver Open()
    {
        var (driver, why) = Shared.Value;
        return driver ?? throw new CudaDriverException(why!);
    }

    private static (CudaGraphDriver?, string?) Load()
    {
        if (DriverLibrary.Cuda.Exports(Calls, out var missing) is { } exports) return (new CudaGraphDriver(exports), null);
        return (null, missing is null
            ? $"cannot load the CUDA driver ({string.Join(" or ", DriverLibrary.Cuda.Candidates)})"
            : $"the CUDA driver has no {missing} (CUDA graphs need a driver for CUDA 11.4 or later)");
    }

    /// <summary>
    /// cuStreamBeginCapture_v2 in CU_STREAM_CAPTURE_MODE_THREAD_LOCAL. Work queued on the stream is
    /// recorded, not run. THREAD_LOCAL rather than RELAXED: in RELAXED mode a call that is unsafe
    /// during capture (a synchronous cuMemcpy from pageable memory, a cuMemAlloc, a launch on the
    /// legacy stream that would wait for the captured one) runs anyway, outside the graph, and the
    /// graph silently lacks it; THREAD_LOCAL makes any such call from this thread fail and invalidate
    /// the capture, so a step that is not capturable is found and falls back to direct launches.
    /// Unlike GLOBAL, it does not also forbid those calls on other threads, which have nothing to do
    /// with the step (the batch prefetcher, another session).
    /// </summary>
    public void BeginCapture(IntPtr stream) => Check(streamBeginCapture(stream, CaptureModeThreadLocal), "cuStreamBeginCapture_v2");

    /// <summary>cuStreamEndCapture: the recorded graph (destroy it with <see cref="DestroyGraph"/>).</summary>
    public IntPtr EndCapture(IntPtr stream)
    {
        IntPtr graph;
        int result = streamEndCapture(stream, &graph);
        if (result != 0 && graph != IntPtr.Zero) graphDestroy(graph);
        Check(result, "cuStreamEndCapture");
        return graph;
    }

    /// <summary>cuStreamIsCapturing: whether a capture is open on the stream (active or invalidated).</summary>
    public bool IsCapturing(IntPtr stream)
    {
        int status;
        Check(streamIsCapturing(stream, &status), "cuStreamIsCapturing");
        return status != 0;
    }

    /// <summary>cuGraphGetNodes with no array: how many nodes the graph has.</summary>
    public long NodeCount(IntPtr graph)
    {
        nuint count = 0;
        Check(graphGetNodes(graph, null, &count), "cuGraphGetNodes");
        return (long)count;
    }

    /// <summary>cuGraphInstantiateWithFlags, no flags: the executable graph.</summary>
    public IntPtr Instantiate(IntPtr graph)
    {
        IntPtr exec;
        Check(graphInstantiateWithFlags(&exec, graph, 0), "cuGraphInstantiateWithFlags");
        return exec;
    }

    /// <summary>cuGraphLaunch: queues the whole graph on the stream, ordered after what is already there.</summary>
    public void Launch(IntPtr exec, IntPtr stream) => Check(graphLaunch(exec, stream), "cuGraphLaunch");

    public void DestroyExec(IntPtr exec) => Check(graphExecDestroy(exec), "cuGraphExecDestroy");

    public void DestroyGraph(IntPtr graph) => Check(graphDestroy(graph), "cuGraphDestroy");

    private void Check(int result, string call)
    {
        if (result != 0) throw new CudaDriverException($"{call} failed: {ErrorName(result)} ({result})");
    }

    private string ErrorName(int result)
    {
        byte* name = null;
        return getErrorName(result, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((IntPtr)name) ?? "CUresult" : "unknown CUresult";
    }
}
