using ILGPU;

namespace Trainer.Kernels.Ops;

/// <summary>
/// uint8 pixels to normalized floats on the device: the data pipeline's Rescale then Normalize,
/// fused, computed in the same float32 steps as the host transforms ((x·scale + shift − mean) / std)
/// so both paths agree. Uploading bytes moves a quarter of the data that floats would.
/// </summary>
public static class ImageNormalize
{
    public static void Kernel(
        Index1D thread, ArrayView<byte> pixels, ArrayView<float> output, float scale, float shift, float mean, float std, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
        {
            float v = pixels[i] * scale + shift;
            output[i] = (v - mean) / std;
        }
    }
}
