using System.Numerics;

namespace Trainer.Kernels.Families;

/// <summary>
/// One elementwise binary op y = f(a, b), broadcast NumPy's way by the binary family's kernels, as a
/// readonly struct both backends specialise their kernels by. Only <see cref="Apply(float, float)"/> runs on a device.
/// </summary>
public interface IBinaryFunctor
{
    /// <summary>The op's name; its table key is <c>binary.</c> followed by it.</summary>
    string Name { get; }

    /// <summary>f(a, b) in float32.</summary>
    float Apply(float a, float b);

    /// <summary>f on every lane, bit for bit what <see cref="Apply(float, float)"/> gives lane by lane (or <see cref="FunctorLanes"/>).</summary>
    Vector<float> Apply(Vector<float> a, Vector<float> b);

    /// <summary>f(a, b) in float64, written independently of <see cref="Apply(float, float)"/>.</summary>
    double Reference(double a, double b);

    /// <summary>How far a correct float32 result may be from <paramref name="exact"/>.</summary>
    double ErrorBound(double exact);
}
