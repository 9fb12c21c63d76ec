using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Trainer.Kernels.Device;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// uint8 pixels to normalized floats: the data pipeline's Rescale then Normalize, fused, in the
/// same float32 steps as the host transforms ((x·scale + shift − mean) / std) so both paths agree,
/// 16 pixels at a time where AVX-512 is there.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private readonly RangeWork<ImageNormalizeOp> imageNormalize = new();

    /// <inheritdoc/>
    void ILayerKernels.ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std)
    {
        if (Launch(count)) RunRange(imageNormalize, new ImageNormalizeOp(pixels.Bytes(), output.Float(), scale, shift, mean, std), count);
    }

    private readonly struct ImageNormalizeOp(byte* pixels, float* output, float scale, float shift, float mean, float std) : IRangeOp
    {
        public void Run(long start, long end)
        {
            long i = start;
            if (Avx512F.IsSupported)
            {
                // The same float32 steps, 16 pixels at a time: multiply, add, subtract, divide (no FMA).
                Vector512<float> vScale = Vector512.Create(scale), vShift = Vector512.Create(shift), vMean = Vector512.Create(mean), vStd = Vector512.Create(std);
                for (; i + 16 <= end; i += 16)
                {
                    var p = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(pixels + i)));
                    var v = p * vScale + vShift;
                    ((v - vMean) / vStd).Store(output + i);
                }
            }
            for (; i < end; i++)
            {
                float v = pixels[i] * scale + shift;
                output[i] = (v - mean) / std;
            }
        }
    }
}
