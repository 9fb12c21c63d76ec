using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Jit;

/// <summary>
/// How a host batch reaches a compiled step: every argument is packed into one staging buffer
/// (page-locked on GPUs) at its input's offset in the graph's input block, and the block goes up
/// in one <see cref="IKernelBackend.UploadStaged"/> on the stream the step's kernels run on. One
/// upload, no synchronisation: the host does not wait for the copy, the kernels queued after it do.
/// <para>The device may still be reading a staging buffer when the next batch arrives, so there is
/// a ring of <see cref="Depth"/>; a buffer is written again only through
/// <see cref="StagingBuffer.Write"/>, which waits (a counted synchronisation) in the one case where
/// its copy might be pending: on a GPU, when nothing has synchronised since it was queued. The CPU
/// backends' copies are done on return, so there it never waits.</para>
/// </summary>
internal sealed class BatchStaging : IDisposable
{
    /// <summary>Staging buffers in the ring: a GPU may run this many steps ahead of the host's last read before a batch waits.</summary>
    public const int Depth = 4;

    private readonly IKernelBackend backend;
    private readonly CompiledGraph graph;
    private readonly long[] offsets;
    private readonly StagingBuffer[] ring;
    private int next;

    /// <summary>Staging buffers for <paramref name="graph"/>'s inputs on <paramref name="backend"/>.</summary>
    /// <param name="backend">The device the graph runs on.</param>
    /// <param name="graph">The compiled graph whose inputs the batches fill.</param>
    /// <param name="arguments">The graph's input names in the order <see cref="Upload"/> takes the host tensors.</param>
    public BatchStaging(IKernelBackend backend, CompiledGraph graph, IReadOnlyList<string> arguments)
    {
        this.backend = backend;
        this.graph = graph;
        offsets = arguments.Select(name => graph.Input(name).Buffer.ByteOffset).ToArray();
        ring = new StagingBuffer[Depth];
        try
        {
            for (int i = 0; i < ring.Length; i++) ring[i] = backend.AllocateStaging(graph.InputBytes);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Packs <paramref name="a"/> and <paramref name="b"/> (of the graph's input types) and queues their one upload.</summary>
    public void Upload(HostTensor a, HostTensor b)
    {
        var staging = ring[next];
        next = (next + 1) % ring.Length;
        var bytes = staging.Write();
        a.AsBytes().CopyTo(bytes[(int)offsets[0]..]);
        b.AsBytes().CopyTo(bytes[(int)offsets[1]..]);
        backend.UploadStaged(staging, graph.InputBlock, graph.InputBytes);
    }

    public void Dispose()
    {
        foreach (var s in ring) s?.Dispose();
    }
}
