using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Families.Reduce;

/// <summary>The sum, added in row-major order of the reduced elements from +0.</summary>
public readonly struct Sum : IReduceFunctor
{
    /// <inheritdoc/>
    public string Name => "sum";

    /// <inheritdoc/>
    public float Identity => 0f;

    /// <inheritdoc/>
    public float Combine(float accumulator, float x) => accumulator + x;

    /// <inheritdoc/>
    public float Finish(float accumulator, int count) => accumulator;

    /// <inheritdoc/>
    public double Reference(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum;
    }

    /// <inheritdoc/>
    public double ErrorBound(int count, double magnitude) => ErrorBounds.Sum(count, magnitude);
}
