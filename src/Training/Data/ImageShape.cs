namespace Trainer.Training.Data;

/// <summary>The height, width and channel count of an <c>[H,W,C]</c> (or <c>[H,W]</c>, one channel) image, as the vision transforms read it.</summary>
internal readonly record struct ImageShape(int Height, int Width, int Channels)
{
    /// <summary>Reads the dimensions of <paramref name="input"/>, which must be uint8 or float32 of rank 2 or 3.</summary>
    /// <exception cref="DatasetException">The rank or element type does not fit; the message starts with <paramref name="transform"/>.</exception>
    public static ImageShape Of(HostTensor input, string transform)
    {
        if (input.DType is not (Kernels.Device.DType.UInt8 or Kernels.Device.DType.Float32))
            throw new DatasetException($"{transform}: expected a uint8 or float32 [H,W,C] image, got {input}");
        return Of(input.Shape, transform, input.ToString());
    }

    /// <summary>Reads the dimensions of an image shape.</summary>
    /// <exception cref="DatasetException">The shape is not [H,W,C] or [H,W] with positive H and W.</exception>
    public static ImageShape Of(int[] shape, string transform, string found)
    {
        if (shape.Length is not (2 or 3) || shape[0] <= 0 || shape[1] <= 0 || (shape.Length == 3 && shape[2] <= 0))
            throw new DatasetException($"{transform}: expected an [H,W,C] or [H,W] image with no empty dimension, got {found}");
        return new ImageShape(shape[0], shape[1], shape.Length == 3 ? shape[2] : 1);
    }

    /// <summary>The shape of an image of this rank with a new height and width.</summary>
    public static int[] WithSize(int[] shape, int height, int width) =>
        shape.Length == 3 ? [height, width, shape[2]] : [height, width];
}
