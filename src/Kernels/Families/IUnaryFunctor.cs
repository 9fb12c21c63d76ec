using System.Numerics;

namespace Trainer.Kernels.Families;

/// <summary>
/// One elementwise map y = f(x), as a readonly struct that both backends' generic kernels are specialised by
/// (the native backend's loop and the ILGPU kernel call the same <see cref="Apply(float)"/>, with no virtual call).
/// A new elementwise op is one such struct in one small file, listed in <see cref="FamilyCatalog"/>.
/// Only <see cref="Apply(float)"/> runs on a device, so it uses float32 arithmetic and MathF alone; the other
/// members describe the op for the table and the self-test.
/// </summary>
public interface IUnaryFunctor
{
    /// <summary>The op's name; its table key is <c>unary.</c> followed by it.</summary>
    string Name { get; }

    /// <summary>f(x) in float32.</summary>
    float Apply(float x);

    /// <summary>
    /// f on every lane, bit for bit what <see cref="Apply(float)"/> gives lane by lane: the native backend's vector
    /// body. An op with no exact vector form (MathF's transcendental functions) maps its lanes with <see cref="FunctorLanes"/>.
    /// </summary>
    Vector<float> Apply(Vector<float> x);

    /// <summary>f(x) in float64, written independently of <see cref="Apply(float)"/>: what the self-test and the tests compare with.</summary>
    double Reference(double x);

    /// <summary>How far a correct float32 result may be from <paramref name="exact"/> (= <see cref="Reference"/>(x)).</summary>
    double ErrorBound(double exact);

    /// <summary>The inputs the self-test draws from, uniformly: where f is defined and well conditioned.</summary>
    (float Low, float High) TestRange { get; }
}
