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
/// <para>The optimizers' hyperparameter blocks are inputs of the step too: their current values are
/// packed beside the batch at every upload, so a learning rate changed since the last step goes up
/// in the same copy, with no upload or synchronisation of its own (a few bytes more per step).</para>
/// </summary>
internal sealed class BatchStaging : IDisposable
{
    /// <summary>Staging buffers in the ring: a GPU may run this many steps ahead of the host's last read before a batch waits.</summary>
    public const int Depth = 4;

    private readonly IKernelBackend backend;
    private readonly CompiledGraph graph;
    private readonly long[] offsets;
    private readonly (Optim.HyperparameterBlock Block, int Offset)[] hyperparameters;
    private readonly StagingBuffer[] ring;
    private int next;

    /// <param name="backend">The device the step runs on.</param>
    /// <param name="graph">The bound step.</param>
    /// <param name="arguments">The graph's input names in the order <see cref="Upload(ReadOnlySpan{HostTensor})"/> takes the host tensors.</param>
    /// <param name="blocks">The hyperparameter blocks the step reads, each with the name of its input.</param>
    public BatchStaging(IKernelBackend backend, CompiledGraph graph, IReadOnlyList<string> arguments,
        IReadOnlyList<(Optim.HyperparameterBlock Block, string Input)> blocks)
    {
        this.backend = backend;
        this.graph = graph;
        offsets = arguments.Select(name => graph.Input(name).Buffer.ByteOffset).ToArray();
        hyperparameters = blocks.Select(h => (h.Block, checked((int)graph.Input(h.Input).Buffer.ByteOffset))).ToArray();
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
    public void Upload(HostTensor a, HostTensor b) => Upload([a, b]);

    /// <summary>Packs every argument (one per input, of the graph's input types) and queues their one upload.</summary>
    public void Upload(ReadOnlySpan<HostTensor> arguments)
    {
        var staging = ring[next];
        next = (next + 1) % ring.Length;
        var bytes = staging.Write();
        for (int i = 0; i < arguments.Length; i++)
            arguments[i].AsBytes().CopyTo(bytes[(int)offsets[i]..]);
        foreach (var (block, offset) in hyperparameters) block.AsBytes().CopyTo(bytes[offset..]);
        backend.UploadStaged(staging, graph.InputBlock, graph.InputBytes);
    }

    /// <summary>Writes the hyperparameters' current values into their inputs directly, for a step whose arguments came as device tensors.</summary>
    public void UploadHyperparameters()
    {
        foreach (var (block, offset) in hyperparameters)
            block.UploadTo(backend, graph.InputBlock.Slice(offset, block.Type.ByteCount));
    }

    public void Dispose()
    {
        foreach (var s in ring) s?.Dispose();
    }
}
