using Trainer.Kernels.Device;

namespace Trainer.Kernels.Bench;

/// <summary>Seeded random device buffers for benchmark setup; freed with the backend's bookkeeping.</summary>
internal sealed class DeviceData(IKernelBackend backend, int seed) : IDisposable
{
    private readonly Random rng = new(seed);
    private readonly OwnedBuffers owned = new(backend);

    public DeviceBuffer Put<T>(T[] data) where T : unmanaged => owned.Put(data);

    public DeviceBuffer Uniform(int count, float low = -1f, float high = 1f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(low + (high - low) * rng.NextDouble());
        return Put(data);
    }

    public DeviceBuffer Labels(int rows, int classes)
    {
        var labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = rng.Next(classes);
        return Put(labels);
    }

    public DeviceBuffer Zeros(int count) => Put(new float[count]);

    public void Dispose() => owned.Dispose();
}
