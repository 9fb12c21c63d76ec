using Trainer.Graph.Ops;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Compilation;

/// <summary>
/// A compiled step's launches, run directly or recorded once through the backend's
/// <see cref="IStepCapture"/> and replayed. The first <see cref="Run"/> after binding (or after
/// <see cref="Invalidate"/>) records every launch of the plan, in order, and then replays the
/// recording, which is what runs the step; later runs only replay.
/// <para>
/// What may be inside a capture: kernel launches whose buffers are device memory at addresses
/// fixed at bind time (the arena and its workspaces, the parameter and optimizer-state blocks, the
/// step's input buffers, the multi-tensor segment tables uploaded at bind). What may not: anything
/// that moves data between host and device or waits for the device (an upload from pageable host
/// memory, a download, a synchronisation), because a recording replays kernels, not host work.
/// The step keeps those out by construction: <see cref="BoundKernel.Launch"/> only launches, the
/// batch is uploaded into the input buffers before <see cref="Run"/> (by the caller, each step,
/// outside the capture; the replay is queued after it), and outputs are read after it. A
/// backend that sees host work inside a capture fails its <see cref="IStepCapture.End"/>.
/// </para>
/// <para>
/// Any failure (the recorder cannot be made, a launch or <see cref="IStepCapture.End"/> throws, a
/// replay is refused) disposes the recorder, turns capture off in the <see cref="StepCapturePolicy"/>
/// with one warning, and runs the step with direct launches. A failed recording has run nothing, so
/// running the launches directly after it runs the step exactly once.
/// </para>
/// </summary>
internal sealed class CapturedStep(BoundKernel[] launches, Func<IStepCapture?> createCapture, StepCapturePolicy policy) : IDisposable
{
    private IStepCapture? capture;
    private bool recorded;

    /// <summary>Whether the next run replays a recording rather than recording or launching directly.</summary>
    public bool IsCaptured => recorded;

    /// <summary>Recordings made so far (one per binding, unless invalidated).</summary>
    public int Captures { get; private set; }

    public void Run()
    {
        // Replay a recording, or record (when allowed) and then replay; after any failure, launch directly.
        if ((recorded || (policy.Enabled && Attempt(recording: true))) && Attempt(recording: false)) return;
        RunDirect();
    }

    /// <summary>Drops the recording: call when a bound buffer moves. The next run records again.</summary>
    public void Invalidate()
    {
        capture?.Dispose();
        capture = null;
        recorded = false;
    }

    private void Record()
    {
        capture ??= createCapture() ?? throw new StepCaptureException("this device has no CUDA graphs");
        capture.Begin();
        foreach (var kernel in launches) kernel.Launch();
        capture.End();
        recorded = true;
        Captures++;
    }

    /// <summary>Records the step, or replays the recording; false, with the capture dropped and the policy told why, if that fails. No delegate: it runs every step.</summary>
    private bool Attempt(bool recording)
    {
        try
        {
            if (recording) Record();
            else capture!.Replay();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Invalidate();
            policy.Fail(e.Message.ReplaceLineEndings(" "));
            return false;
        }
    }

    private void RunDirect()
    {
        foreach (var kernel in launches) kernel.Launch();
    }

    public void Dispose() => Invalidate();
}
