using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The memory of a native CPU backend's buffer as a span of floats, for code that computes on the host what the
/// backend's kernels would (a user's custom op). Only the native backend's buffers are host memory; any other is an
/// <see cref="ArgumentException"/>, and so is a length past the buffer's end.
/// </summary>
public static unsafe class NativeSpans
{
    /// <summary>Whether <paramref name="buffer"/> lives in host memory the native backend allocated.</summary>
    public static bool IsNative(DeviceBuffer buffer) => buffer.Memory is CpuMemory;

    /// <summary>The first <paramref name="count"/> floats of <paramref name="buffer"/>.</summary>
    public static Span<float> Floats(DeviceBuffer buffer, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)count * sizeof(float) > buffer.ByteLength)
            throw new ArgumentException($"{count} floats do not fit in a buffer of {buffer.ByteLength} bytes", nameof(count));
        return new Span<float>(buffer.Float(), count);
    }
}
