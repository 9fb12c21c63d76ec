using System.Globalization;
using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// How far one tensor of the checked run is from the reference's: the largest absolute error, that
/// error relative to the reference tensor's largest magnitude, where it is, and whether every bit agrees.
/// A NaN or infinity in one run that the other does not have at the same element counts as an infinite error.
/// </summary>
public sealed record ParityDifference(
    string Node, string ReferenceNode, string What, string Shape,
    double MaxAbsError, double RelativeError, string Element, float ReferenceValue, float CheckedValue, bool BitIdentical)
{
    internal static ParityDifference Measure(StepObservation reference, StepObservation candidate)
    {
        var r = reference.Values;
        var c = candidate.Values;
        if (r.Length != c.Length)
            throw new InvalidOperationException($"{candidate.Node} {candidate.What} has {c.Length} elements, the reference {reference.Node} has {r.Length}");
        double maxAbs = 0, scale = 0;
        int at = 0;
        bool bits = true;
        for (int i = 0; i < r.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(r[i]) != BitConverter.SingleToInt32Bits(c[i])) bits = false;
            if (float.IsFinite(r[i])) scale = Math.Max(scale, Math.Abs(r[i]));
            double error = float.IsFinite(r[i]) && float.IsFinite(c[i]) ? Math.Abs((double)r[i] - c[i])
                : r[i].Equals(c[i]) ? 0 : double.PositiveInfinity; // NaN equals NaN here; +Inf equals +Inf
            if (error > maxAbs) (maxAbs, at) = (error, i);
        }
        double relative = maxAbs == 0 ? 0 : scale == 0 ? double.PositiveInfinity : maxAbs / scale;
        return new ParityDifference(candidate.Node, reference.Node, candidate.What, candidate.Type.ShapeText,
            maxAbs, relative, Index(candidate.Type.Shape, at), r.Length == 0 ? 0 : r[at], c.Length == 0 ? 0 : c[at], bits);
    }

    /// <summary>"[12, 7]": the multi-index of flat element <paramref name="flat"/> in a row-major tensor of <paramref name="shape"/>.</summary>
    public static string Index(IReadOnlyList<int> shape, int flat)
    {
        var index = new int[shape.Count];
        for (int axis = shape.Count - 1; axis >= 0; axis--)
        {
            int extent = Math.Max(shape[axis], 1);
            index[axis] = flat % extent;
            flat /= extent;
        }
        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>Whether this difference passes: relative error at most <paramref name="tolerance"/> (NaN never passes).</summary>
    public bool Within(double tolerance) => RelativeError <= tolerance;

    /// <summary>"%42 MatMul[nt,bias+relu] output 0 [64,10] (against %17 Relu): max abs error 3.1e-06 (relative 2.0e-07) at element [12, 7] (reference 0.25, checked 0.2500031)".</summary>
    public string Describe(string referenceName, string checkedName) => string.Create(CultureInfo.InvariantCulture,
        $"{Node} {What} {Shape}{(ReferenceNode == Node ? "" : $" (against {referenceName} {ReferenceNode})")}: " +
        $"max abs error {MaxAbsError:g3} (relative {RelativeError:g3}) at element {Element} ({referenceName} {ReferenceValue:R}, {checkedName} {CheckedValue:R})");
}
