namespace Trainer.Kernels.Families;

/// <summary>
/// A reduction over axes (sum, mean, max) as a readonly struct both backends specialise their reduction
/// kernel by. Each output is one fold, in row-major order of the reduced elements, by one thread:
/// acc = <see cref="Identity"/>, acc = <see cref="Combine"/>(acc, x) for each x, then <see cref="Finish"/>. So
/// results do not depend on the thread count or the launch geometry.
/// </summary>
public interface IReduceFunctor
{
    /// <summary>The op's name; its table key is <c>reduce.</c> followed by it.</summary>
    string Name { get; }

    /// <summary>The fold's starting value.</summary>
    float Identity { get; }

    /// <summary>The fold's step in float32.</summary>
    float Combine(float accumulator, float x);

    /// <summary>The output from the folded value and the number of elements folded.</summary>
    float Finish(float accumulator, int count);

    /// <summary>The reduction of <paramref name="values"/> in float64, written independently.</summary>
    double Reference(ReadOnlySpan<double> values);

    /// <summary>How far a correct float32 result of <paramref name="count"/> values whose magnitudes sum to <paramref name="magnitude"/> may be from the exact one.</summary>
    double ErrorBound(int count, double magnitude);
}
