using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Slice against an index loop, its gradient against finite differences, eager equal to compiled; the refusal of a bad window is a row of OpShapeErrorTests.</summary>
public sealed class SliceTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Slice_matches_an_index_loop(DeviceKind device)
    {
        foreach (int n in Sizes)
        {
            int[] shape = [2, n, 3];
            int[] begin = [1, n / 3, 0], size = [1, -1, 2];
            int[] window = [1, n - n / 3, 2];
            var x = PrimitiveCheck.Uniform(n + 17, PrimitiveCheck.Count(shape), -2f, 2f);
            PrimitiveCheck.Run(sessions.Get(device), $"slice{n}", p => Ops.Slice(p[0], begin, size), [shape], [x], window,
                p => Sliced(p[0], shape, begin, window));
        }
    }

    private static double[] Sliced(double[] x, int[] shape, int[] begin, int[] window)
    {
        var y = new double[window.Aggregate(1, (p, d) => p * d)];
        var index = new int[shape.Length];
        for (int i = 0; i < y.Length; i++)
        {
            for (int axis = window.Length - 1, rest = i; axis >= 0; axis--)
            {
                index[axis] = rest % window[axis] + begin[axis];
                rest /= window[axis];
            }
            int flat = 0;
            for (int axis = 0; axis < shape.Length; axis++) flat = flat * shape[axis] + index[axis];
            y[i] = x[flat];
        }
        return y;
    }
}
