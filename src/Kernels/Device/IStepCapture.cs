namespace Trainer.Kernels.Device;

/// <summary>
/// A backend's recorder for a whole training step (a CUDA graph on CUDA; no other backend has one):
/// between <see cref="Begin"/> and <see cref="End"/> the backend's kernel launches on this thread are
/// recorded instead of run; <see cref="Replay"/> then runs all of them, in order, with the buffers
/// and scalars they were launched with, as one submission. Only kernel launches on device memory
/// whose addresses do not change may be recorded: an upload, a download or a synchronisation inside
/// the recorded span makes <see cref="End"/> fail. Every failure is a
/// <see cref="StepCaptureException"/> (or the backend's own exception from a launch) with a one-line
/// message; after one the caller disposes the recorder and launches directly. A recorder holds at
/// most one recorded step; <see cref="Begin"/> again replaces it.
/// </summary>
public interface IStepCapture : IDisposable
{
    /// <summary>Starts recording: launches from now on are recorded, not run.</summary>
    void Begin();

    /// <summary>Stops recording and makes the recorded launches replayable; nothing has run yet.</summary>
    void End();

    /// <summary>Runs the recorded launches once, ordered after every copy and launch already queued.</summary>
    void Replay();
}
