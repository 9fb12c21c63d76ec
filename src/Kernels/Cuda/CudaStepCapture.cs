using System.Reflection;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cuda;

/// <summary>
/// <see cref="IStepCapture"/> on CUDA: a CUDA graph recorded by stream capture. ILGPU queues every
/// kernel, upload and download on the accelerator's default stream, which on CUDA is the legacy
/// NULL stream, and the NULL stream cannot be captured. So for the span of a capture the
/// accelerator's default stream is swapped for a private blocking stream that can (ILGPU's kernel
/// delegates read <c>DefaultStream</c> at every launch; the property's setter is protected, so the
/// swap goes through reflection, and a missing setter is a <see cref="StepCaptureException"/>).
/// The graph is replayed on the NULL stream, so it stays ordered with the uploads before it and the
/// downloads after it exactly as direct launches are. After <see cref="End"/> the graph must hold
/// one node per kernel launch recorded, or the capture is refused. Recorded launches did not run,
/// so they are taken back out of the backend's launch count, and each replay adds them again.
/// </summary>
internal sealed class CudaStepCapture(CudaGraphDriver driver, CudaAccelerator accelerator, Func<long> launchCount, Action<long> addLaunches) : IStepCapture
{
    private static readonly PropertyInfo? DefaultStream = typeof(Accelerator).GetProperty(nameof(Accelerator.DefaultStream));

    private CudaStream? captureStream;
    private AcceleratorStream? savedDefault;
    private long launchesAtBegin;
    private long recordedLaunches;
    private IntPtr graph;
    private IntPtr exec;

    public void Begin()
    {
        if (savedDefault is not null) throw new InvalidOperationException("a capture is already open");
        if (DefaultStream?.GetSetMethod(nonPublic: true) is null)
            throw new StepCaptureException("this ILGPU version offers no way to send launches to a capture stream (Accelerator.DefaultStream has no setter)");
        ReleaseGraph();
        using var binding = accelerator.BindScoped();
        captureStream ??= accelerator.CreateStream(StreamFlags.CU_STREAM_DEFAULT);
        driver.BeginCapture(captureStream.StreamPtr);
        savedDefault = accelerator.DefaultStream;
        DefaultStream.SetValue(accelerator, captureStream);
        launchesAtBegin = launchCount();
    }

    public void End()
    {
        if (savedDefault is null) throw new InvalidOperationException("no capture is open");
        long recorded = StopCapturing();
        using var binding = accelerator.BindScoped();
        graph = driver.EndCapture(captureStream!.StreamPtr);
        long nodes = driver.NodeCount(graph);
        if (nodes != recorded)
            throw new StepCaptureException($"the CUDA graph holds {nodes} nodes for the step's {recorded} kernel launches");
        exec = driver.Instantiate(graph);
        recordedLaunches = recorded;
    }

    public void Replay()
    {
        if (exec == IntPtr.Zero) throw new InvalidOperationException("nothing has been captured");
        using var binding = accelerator.BindScoped();
        driver.Launch(exec, ((CudaStream)accelerator.DefaultStream).StreamPtr);
        addLaunches(recordedLaunches);
    }

    /// <summary>Gives ILGPU its default stream back; returns the launches recorded, which did not run.</summary>
    private long StopCapturing()
    {
        DefaultStream!.SetValue(accelerator, savedDefault);
        savedDefault = null;
        long recorded = launchCount() - launchesAtBegin;
        addLaunches(-recorded);
        return recorded;
    }

    private void ReleaseGraph()
    {
        if (exec != IntPtr.Zero) driver.DestroyExec(exec);
        if (graph != IntPtr.Zero) driver.DestroyGraph(graph);
        (exec, graph, recordedLaunches) = (IntPtr.Zero, IntPtr.Zero, 0);
    }

    /// <summary>Closes a capture left open by a failed launch (its result is discarded) and frees the graph and the stream.</summary>
    public void Dispose()
    {
        using var binding = accelerator.BindScoped();
        if (savedDefault is not null)
        {
            StopCapturing();
            try
            {
                if (driver.IsCapturing(captureStream!.StreamPtr)) driver.DestroyGraph(driver.EndCapture(captureStream.StreamPtr));
            }
            catch (CudaDriverException)
            {
                // An invalidated capture ends with an error; the stream is usable again either way.
            }
        }
        try
        {
            ReleaseGraph();
        }
        catch (CudaDriverException)
        {
            // Freeing cannot be retried; the context's teardown frees what is left.
        }
        captureStream?.Dispose();
        captureStream = null;
    }
}
