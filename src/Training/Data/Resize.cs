using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// Resizes an <c>[H,W,C]</c> (or <c>[H,W]</c>) image to <see cref="Height"/> x <see cref="Width"/> by bilinear
/// interpolation, MindSpore's <c>vision.Resize(size, Inter.LINEAR)</c>.
/// </summary>
/// <remarks>
/// Output pixel (y, x) samples the input at <c>sy = (y + 0.5) * H / height - 0.5</c> (and likewise sx), clamped
/// below at 0, from the four neighbours <c>floor(sy)</c> and <c>floor(sy) + 1</c> (the last row repeats at the
/// edge), weighted linearly: the half-pixel-centre convention of OpenCV's <c>INTER_LINEAR</c> (which MindSpore
/// calls) and of PyTorch's <c>interpolate(mode="bilinear", align_corners=False, antialias=False)</c>. There is no
/// antialiasing filter, so shrinking by more than 2x skips input pixels, as in both of those. Weights and sums are
/// in float64; a float32 image gets the sum rounded to float32, a uint8 image the sum rounded half away from
/// zero (OpenCV rounds 11-bit fixed-point weights instead, so its uint8 results can differ by 1).
/// Same-size input is copied unchanged.
/// </remarks>
public sealed class Resize : ITransform
{
    /// <summary>The largest height or width accepted, 65,536.</summary>
    public const int MaxSide = 65_536;

    /// <summary>Creates the transform.</summary>
    /// <exception cref="DatasetException">A size is not in [1, <see cref="MaxSide"/>].</exception>
    public Resize(int height, int width)
    {
        if (height is < 1 or > MaxSide || width is < 1 or > MaxSide)
            throw new DatasetException($"Resize: height and width must be 1 to {MaxSide}, got {height}x{width}");
        Height = height;
        Width = width;
    }

    /// <summary>Output height in pixels.</summary>
    public int Height { get; }

    /// <summary>Output width in pixels.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public string Name => "Resize";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape)
    {
        ImageShape.Of(inputShape, Name, HostTensor.FormatShape(inputShape));
        return ImageShape.WithSize(inputShape, Height, Width);
    }

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input)
    {
        var (h, w, c) = ImageShape.Of(input, Name);
        int[] shape = ImageShape.WithSize(input.Shape, Height, Width);
        if (h == Height && w == Width)
            return input.DType == DType.UInt8
                ? new HostTensor(shape, (byte[])input.AsUInt8().Clone())
                : new HostTensor(shape, (float[])input.AsFloat().Clone());
        var (y0, y1, fy) = Axis(h, Height);
        var (x0, x1, fx) = Axis(w, Width);
        if (input.DType == DType.UInt8)
        {
            byte[] src = input.AsUInt8();
            var dst = new byte[Height * Width * c];
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    for (int k = 0; k < c; k++)
                    {
                        double v = Sample(src, w, c, k, y0[y], y1[y], fy[y], x0[x], x1[x], fx[x]);
                        dst[(y * Width + x) * c + k] = (byte)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255);
                    }
            return new HostTensor(shape, dst);
        }
        else
        {
            float[] src = input.AsFloat();
            var dst = new float[Height * Width * c];
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    for (int k = 0; k < c; k++)
                        dst[(y * Width + x) * c + k] = (float)Sample(src, w, c, k, y0[y], y1[y], fy[y], x0[x], x1[x], fx[x]);
            return new HostTensor(shape, dst);
        }
    }

    private static double Sample<T>(T[] src, int w, int c, int k, int y0, int y1, double fy, int x0, int x1, double fx)
        where T : System.Numerics.INumberBase<T>
    {
        double a = double.CreateTruncating(src[(y0 * w + x0) * c + k]);
        double b = double.CreateTruncating(src[(y0 * w + x1) * c + k]);
        double d = double.CreateTruncating(src[(y1 * w + x0) * c + k]);
        double e = double.CreateTruncating(src[(y1 * w + x1) * c + k]);
        double top = a + (b - a) * fx;
        double bottom = d + (e - d) * fx;
        return top + (bottom - top) * fy;
    }

    /// <summary>For each output coordinate along one axis: the two input neighbours and the weight of the second.</summary>
    private static (int[] Lo, int[] Hi, double[] Frac) Axis(int inSize, int outSize)
    {
        var lo = new int[outSize];
        var hi = new int[outSize];
        var frac = new double[outSize];
        double scale = (double)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            double s = Math.Max((i + 0.5) * scale - 0.5, 0.0);
            int l = Math.Min((int)Math.Floor(s), inSize - 1);
            lo[i] = l;
            hi[i] = Math.Min(l + 1, inSize - 1);
            frac[i] = l >= inSize - 1 ? 0.0 : s - l;
        }
        return (lo, hi, frac);
    }
}
