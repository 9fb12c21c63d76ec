using Trainer.Kernels.Device;

namespace Trainer.Training.Data;

/// <summary>
/// Per-channel standardisation of a float32 image: <c>y = (x - mean[c]) / std[c]</c> evaluated in float32,
/// where c is the channel (last) index of an <c>[H,W,C]</c> image; an <c>[H,W]</c> image has one channel.
/// A single mean/std pair applies to every channel; otherwise there must be exactly one pair per channel.
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Normalises every channel with the same <paramref name="mean"/> and <paramref name="std"/>.</summary>
    /// <exception cref="DatasetException"><paramref name="std"/> is not positive or <paramref name="mean"/> is not finite.</exception>
    public Normalize(float mean, float std)
        : this([mean], [std])
    {
    }

    /// <summary>Normalises channel c with <c>mean[c]</c> and <c>std[c]</c>; the arrays are copied.</summary>
    /// <exception cref="DatasetException">The arrays are empty or of different lengths, a std is not positive, or a mean is not finite.</exception>
    public Normalize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || std.Length == 0)
        {
            throw new DatasetException("Normalize: mean and std must have at least one channel");
        }
        if (mean.Length != std.Length)
        {
            throw new DatasetException($"Normalize: mean has {mean.Length} channels but std has {std.Length}");
        }
        for (int c = 0; c < mean.Length; c++)
        {
            if (!float.IsFinite(mean[c]))
            {
                throw new DatasetException($"Normalize: mean must be finite, got {mean[c]} for channel {c}");
            }
            // Written as a negated comparison so NaN is rejected too.
            if (!(std[c] > 0f) || float.IsPositiveInfinity(std[c]))
            {
                throw new DatasetException($"Normalize: std must be > 0 and finite, got {std[c]} for channel {c}");
            }
        }
        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>Per-channel means (one entry when shared by all channels).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviations (one entry when shared by all channels).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <inheritdoc />
    public string Name => "Normalize";

    /// <inheritdoc />
    public int[] OutputShape(int[] inputShape)
    {
        CheckShape(inputShape, HostTensor.FormatShape(inputShape));
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc />
    public HostTensor Apply(HostTensor input)
    {
        if (input.DType != DType.Float32)
        {
            throw new DatasetException($"Normalize: expected a float32 image, got {input}");
        }
        int channels = CheckShape(input.Shape, input.ToString());
        float[] x = input.AsFloat();
        var y = new float[x.Length];
        if (_mean.Length == 1)
        {
            float mean = _mean[0];
            float std = _std[0];
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = (x[i] - mean) / std;
            }
        }
        else
        {
            for (int pixel = 0; pixel < x.Length; pixel += channels)
            {
                for (int c = 0; c < channels; c++)
                {
                    y[pixel + c] = (x[pixel + c] - _mean[c]) / _std[c];
                }
            }
        }
        return new HostTensor((int[])input.Shape.Clone(), y);
    }

    /// <summary>Validates an [H,W,C] or [H,W] shape against the channel count and returns the channel count.</summary>
    private int CheckShape(int[] shape, string found)
    {
        if (shape.Length is not (2 or 3))
        {
            throw new DatasetException($"Normalize: expected an [H,W,C] or [H,W] image, got {found}");
        }
        int channels = shape.Length == 3 ? shape[2] : 1;
        if (_mean.Length != 1 && _mean.Length != channels)
        {
            throw new DatasetException($"Normalize: expected an image with {_mean.Length} channels, got {found}");
        }
        return channels;
    }
}
