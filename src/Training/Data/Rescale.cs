using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// Element-wise affine map to float32: <c>y = (float)x * Scale + Shift</c>, evaluated in float32 (one
/// rounded multiply, then one rounded add). Accepts any shape and any element type; the output has the
/// input's shape. <c>Rescale(1/255f, 0)</c> maps 8-bit pixels to [0, 1].
/// </summary>
public sealed class Rescale : ITransform
{
    /// <summary>Creates the transform <c>y = (float)x * scale + shift</c>.</summary>
    public Rescale(float scale, float shift)
    {
        Scale = scale;
        Shift = shift;
    }

    /// <summary>The multiplier applied to each element.</summary>
    public float Scale { get; }

    /// <summary>The offset added after the multiplication.</summary>
    public float Shift { get; }

    /// <inheritdoc />
    public string Name => "Rescale";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input)
    {
        var output = new float[input.ElementCount];
        float scale = Scale;
        float shift = Shift;
        switch (input.DType)
        {
            case DType.UInt8:
                byte[] bytes = input.AsUInt8();
                for (int i = 0; i < bytes.Length; i++)
                {
                    output[i] = bytes[i] * scale + shift;
                }
                break;
            case DType.Int32:
                int[] ints = input.AsInt32();
                for (int i = 0; i < ints.Length; i++)
                {
                    output[i] = (float)ints[i] * scale + shift;
                }
                break;
            default:
                float[] floats = input.AsFloat();
                for (int i = 0; i < floats.Length; i++)
                {
                    output[i] = floats[i] * scale + shift;
                }
                break;
        }
        return new HostTensor((int[])input.Shape.Clone(), output);
    }
}
