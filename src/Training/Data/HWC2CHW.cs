using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// Transposes an <c>[H,W,C]</c> image to <c>[C,H,W]</c>: <c>y[c,h,w] = x[h,w,c]</c>. Works for any element
/// type and keeps it.
/// </summary>
public sealed class HWC2CHW : ITransform
{
    /// <inheritdoc />
    public string Name => "HWC2CHW";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape)
    {
        CheckShape(inputShape, HostTensor.FormatShape(inputShape));
        return [inputShape[2], inputShape[0], inputShape[1]];
    }

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input)
    {
        CheckShape(input.Shape, input.ToString());
        int height = input.Shape[0];
        int width = input.Shape[1];
        int channels = input.Shape[2];
        int[] shape = [channels, height, width];
        return input.DType switch
        {
            DType.Float32 => new HostTensor(shape, Transpose(input.AsFloat(), height * width, channels)),
            DType.Int32 => new HostTensor(shape, Transpose(input.AsInt32(), height * width, channels)),
            _ => new HostTensor(shape, Transpose(input.AsUInt8(), height * width, channels)),
        };
    }

    private static T[] Transpose<T>(T[] source, int pixels, int channels)
    {
        var result = new T[source.Length];
        if (channels == 1)
        {
            // A single channel has identical HWC and CHW layouts.
            Array.Copy(source, result, source.Length);
            return result;
        }
        for (int c = 0; c < channels; c++)
        {
            int target = c * pixels;
            for (int p = 0; p < pixels; p++)
            {
                result[target + p] = source[p * channels + c];
            }
        }
        return result;
    }

    private static void CheckShape(int[] shape, string found)
    {
        if (shape.Length != 3)
        {
            throw new DatasetException($"HWC2CHW: expected an [H,W,C] image, got {found}");
        }
    }
}
