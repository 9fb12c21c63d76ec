using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Tests.SelfTest;

/// <summary>
/// An <see cref="IKernelBackend"/> that forwards everything to another; tests override what they break.
/// Training.Tests compiles this same file (linked in its project) for its own fault-injection tests.
/// </summary>
internal abstract class DelegatingBackend(IKernelBackend inner) : IKernelBackend
{
    protected IKernelBackend Inner => inner;

    /// <summary>Called with the kernel's name before every kernel launch is forwarded (not for memory and copies); a recorder overrides it.</summary>
    protected virtual void Called(string kernel) { }

    public virtual DeviceDescription Description => inner.Description;
    public virtual string GemmKernel => inner.GemmKernel;
    public virtual long LaunchCount => inner.LaunchCount;
    public virtual long UploadCount => inner.UploadCount;
    public virtual long DownloadCount => inner.DownloadCount;
    public virtual long SyncCount => inner.SyncCount;
    public virtual StagingBuffer AllocateStaging(long bytes) => inner.AllocateStaging(bytes);
    public virtual void UploadStaged(StagingBuffer source, DeviceBuffer destination, long bytes) => inner.UploadStaged(source, destination, bytes);
    public virtual MemoryStats Memory => inner.Memory;
    public virtual DeviceBuffer Allocate(long bytes) => inner.Allocate(bytes);
    public virtual void Free(DeviceBuffer buffer) => inner.Free(buffer);
    public virtual void Upload<T>(DeviceBuffer destination, ReadOnlySpan<T> source) where T : unmanaged => inner.Upload(destination, source);
    public virtual void Download<T>(DeviceBuffer source, Span<T> destination) where T : unmanaged => inner.Download(source, destination);
    public virtual void Synchronize() => inner.Synchronize();
    public virtual void Copy(DeviceBuffer source, DeviceBuffer destination, long bytes) => inner.Copy(source, destination, bytes);

    private KernelTable? kernels;

    /// <summary>
    /// The inner backend's kernels, each launch reported to <see cref="Called"/> with its key first and to
    /// <see cref="Launched"/> with its call after; launches still count in the inner backend.
    /// </summary>
    public virtual KernelTable Kernels => kernels ??= Wrapped();

    /// <summary>The call a table kernel is bound with (a faulty backend changes it here); the call as it came by default.</summary>
    protected virtual KernelCall Rewrite(string key, KernelCall call) => call;

    /// <summary>Called after a table kernel launched with <paramref name="call"/> (a faulty backend perturbs an output here).</summary>
    protected virtual void Launched(string key, KernelCall call) { }

    private KernelTable Wrapped()
    {
        var table = new KernelTable(inner.Description.Summary, () => { });
        foreach (string key in inner.Kernels.Keys)
            table.Register(key, call =>
            {
                call = Rewrite(key, call);
                var launch = inner.Kernels.Bind(key, call);
                return () =>
                {
                    Called(key);
                    launch();
                    Launched(key, call);
                };
            });
        return table;
    }

    public virtual long Conv2dWorkspaceBytes(Conv2dShape shape) => Inner.Conv2dWorkspaceBytes(shape);

    /// <summary>The inner backend belongs to whoever created it (a subclass that owns it disposes it here).</summary>
    public virtual void Dispose() { }
}
