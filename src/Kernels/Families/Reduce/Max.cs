namespace Trainer.Kernels.Families.Reduce;

/// <summary>The largest element (MathF.Max, so a NaN anywhere gives NaN); −∞ for an empty reduction.</summary>
public readonly struct Max : IReduceFunctor
{
    /// <inheritdoc/>
    public string Name => "max";

    /// <inheritdoc/>
    public float Identity => float.NegativeInfinity;

    /// <inheritdoc/>
    public float Combine(float accumulator, float x) => MathF.Max(accumulator, x);

    /// <inheritdoc/>
    public float Finish(float accumulator, int count) => accumulator;

    /// <inheritdoc/>
    public double Reference(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = v > max ? v : max;
        return max;
    }

    /// <inheritdoc/>
    public double ErrorBound(int count, double magnitude) => 0;
}
