using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// uint8 pixels to normalized floats: the data pipeline's Rescale then Normalize, fused, in the
/// same float32 steps as the host transforms ((x·scale + shift − mean) / std) so both paths agree.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ImageNormalizeOp> imageNormalize = new();

    public void ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std)
    {
        if (Launch(count)) RunRange(imageNormalize, new ImageNormalizeOp(pixels.Bytes(), output.Float(), scale, shift, mean, std), count);
    }

    private readonly struct ImageNormalizeOp(byte* pixels, float* output, float scale, float shift, float mean, float std) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                float v = pixels[i] * scale + shift;
                output[i] = (v - mean) / std;
            }
        }
    }
}
