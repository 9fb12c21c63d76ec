namespace Trainer.Kernels.Device;

/// <summary>
/// Tells whether an asynchronous copy queued earlier has finished, so the host memory it reads can
/// be written again without draining the whole stream. One fence belongs to one staging buffer.
/// </summary>
public interface ICopyFence : IDisposable
{
    /// <summary>Marks the point on the stream right after the copy just queued.</summary>
    void Record();

    /// <summary>
    /// Whether everything up to the last <see cref="Record"/> has finished (true when nothing was
    /// recorded). Never blocks: a caller that finds it false waits by synchronising.
    /// </summary>
    bool IsDone();
}
