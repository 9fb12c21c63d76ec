using Trainer.Kernels.Device;

namespace Trainer.Graph.Parallel;

/// <summary>
/// An <see cref="IGradientReducer"/> that averages through host memory: download every gradient of the step into
/// one contiguous host array, hand it to <paramref name="reduceOnHost"/> once (which must leave the global mean in
/// the span, e.g. an MPI all-reduce of each process's share-weighted values), upload each mean to its buffer. One collective a
/// step over all of the gradients, whatever their number; a step that cannot be captured as a CUDA graph (binding
/// turns capture off, saying why). A device path (a GPU-aware collective on device pointers) can replace it behind
/// the same interface. The host array is grown once to the step's total and reused, so steps do not allocate.
/// </summary>
public sealed class HostGradientReducer(IKernelBackend backend, int worldSize, HostGradientReducer.Reduce reduceOnHost) : IGradientReducer
{
    /// <summary>Leaves in <paramref name="values"/> the mean over all processes of every process's values.</summary>
    public delegate void Reduce(Span<float> values);

    private float[] host = [];

    /// <inheritdoc/>
    public int WorldSize { get; } = worldSize >= 1 ? worldSize : throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");

    /// <inheritdoc/>
    public void AllReduceMean(ReadOnlySpan<GradientBuffer> gradients)
    {
        long total = 0;
        foreach (var (gradient, mean, floats) in gradients)
        {
            if (floats < 0 || floats * sizeof(float) > Math.Min(gradient.ByteLength, mean.ByteLength))
                throw new ArgumentOutOfRangeException(nameof(gradients), floats, $"a gradient of {floats} floats in buffers of {gradient.ByteLength / sizeof(float)} and {mean.ByteLength / sizeof(float)}");
            total += floats;
        }
        if (total == 0) return;
        int count = checked((int)total);
        if (host.Length < count) host = new float[count];
        int offset = 0;
        foreach (var (gradient, _, floats) in gradients)
        {
            backend.Download(gradient.Slice(0, floats * sizeof(float)), host.AsSpan(offset, (int)floats));
            offset += (int)floats;
        }
        reduceOnHost(host.AsSpan(0, count));
        offset = 0;
        foreach (var (_, mean, floats) in gradients)
        {
            backend.Upload<float>(mean.Slice(0, floats * sizeof(float)), host.AsSpan(offset, (int)floats));
            offset += (int)floats;
        }
    }
}
