using System.Runtime.InteropServices;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Bench;

/// <summary>Seeded random device buffers for benchmark setup; freed with the backend's bookkeeping.</summary>
internal sealed class DeviceData(IKernelBackend backend, int seed) : IDisposable
{
    private readonly Random rng = new(seed);
    private readonly List<DeviceBuffer> owned = [];

    public DeviceBuffer Put<T>(T[] data) where T : unmanaged
    {
        var buffer = backend.Allocate(Math.Max(1, data.Length) * (long)Marshal.SizeOf<T>());
        owned.Add(buffer);
        backend.Upload<T>(buffer, data);
        return buffer;
    }

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

    public void Dispose()
    {
        foreach (var buffer in owned) backend.Free(buffer);
        owned.Clear();
    }
}
