using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// uint8 pixels to normalized floats on the device: the data pipeline's Rescale then Normalize,
/// fused, computed in the same float32 steps as the host transforms ((x·scale + shift − mean) / std)
/// so both paths agree. Uploading bytes moves a quarter of the data that floats would.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<byte>, ArrayView<float>, float, float, float, float, int, int> imageNormalize = null!;

    private void LoadImageNormalize() =>
        imageNormalize = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<float>, float, float, float, float, int, int>(ImageNormalizeKernel);

    /// <inheritdoc/>
    void ILayerKernels.ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std)
    {
        if (Empty(count)) return;
        LaunchCount++;
        int t = Threads(count);
        imageNormalize(t, pixels.Bytes(), output.Float(), scale, shift, mean, std, count, t);
    }

    internal static void ImageNormalizeKernel(
        Index1D thread, ArrayView<byte> pixels, ArrayView<float> output, float scale, float shift, float mean, float std, int count, int stride)
    {
        for (int i = thread; i < count; i += stride)
        {
            float v = pixels[i] * scale + shift;
            output[i] = (v - mean) / std;
        }
    }
}
