using Trainer.Kernels.Device;

namespace Trainer.Graph.Parallel;

/// <summary>
/// An <see cref="IGradientReducer"/> that averages through host memory: download the gradient,
/// hand it to <paramref name="reduceOnHost"/> (which must leave the mean over all processes in the
/// span, e.g. an MPI all-reduce sum followed by a division by the world size), upload it back.
/// The simple first form: one synchronising download and one upload per gradient per step, and a
/// step that cannot be captured as a CUDA graph (binding turns capture off, saying why). A device
/// path (a GPU-aware collective on the device pointer) can replace it behind the same interface.
/// The host array is grown once to the largest gradient and reused, so steps do not allocate.
/// </summary>
public sealed class HostGradientReducer(IKernelBackend backend, int worldSize, HostGradientReducer.Reduce reduceOnHost) : IGradientReducer
{
    /// <summary>Leaves in <paramref name="values"/> the mean over all processes of every process's values.</summary>
    public delegate void Reduce(Span<float> values);

    private float[] host = [];

    public int WorldSize { get; } = worldSize >= 1 ? worldSize : throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");

    public void AllReduceMean(DeviceBuffer buffer, long floats)
    {
        if (floats < 0 || floats * sizeof(float) > buffer.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(floats), floats, $"the buffer holds {buffer.ByteLength / sizeof(float)} floats");
        if (floats == 0) return;
        int count = checked((int)floats);
        if (host.Length < count) host = new float[count];
        var values = host.AsSpan(0, count);
        backend.Download(buffer.Slice(0, floats * sizeof(float)), values);
        reduceOnHost(values);
        backend.Upload<float>(buffer.Slice(0, floats * sizeof(float)), values);
    }
}
