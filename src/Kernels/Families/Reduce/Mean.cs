using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Reduce;

/// <summary>The mean: the sum as <see cref="Sum"/> adds it, then one division by the count.</summary>
public readonly struct Mean : IReduceFunctor
{
    /// <inheritdoc/>
    public string Name => "mean";

    /// <inheritdoc/>
    public float Identity => 0f;

    /// <inheritdoc/>
    public float Combine(float accumulator, float x) => accumulator + x;

    /// <inheritdoc/>
    public float Finish(float accumulator, int count) => accumulator / count;

    /// <inheritdoc/>
    public double Reference(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return values.Length == 0 ? double.NaN : sum / values.Length;
    }

    /// <inheritdoc/>
    public double ErrorBound(int count, double magnitude) => ErrorBounds.Sum(count + 1, magnitude) / Math.Max(count, 1);
}
