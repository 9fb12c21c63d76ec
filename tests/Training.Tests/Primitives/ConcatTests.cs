using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Concat against an index loop, its gradient against finite differences, eager equal to compiled.</summary>
public sealed class ConcatTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Concat_matches_an_index_loop(DeviceKind device)
    {
        foreach (int n in Sizes)
        {
            int[][] middle = [[2, n, 3], [2, 1, 3], [2, 7, 3]];
            CheckConcat(sessions.Get(device), $"concat-middle{n}", middle, 1);
            int[][] last = [[3, n], [3, 2]];
            CheckConcat(sessions.Get(device), $"concat-last{n}", last, -1);
        }
        CheckConcat(sessions.Get(device), "concat-first", [[1, 4], [65, 4], [2, 4], [1, 4]], 0);
        CheckConcat(sessions.Get(device), "concat-one", [[5, 3]], 0);
    }

    private static void CheckConcat(Session session, string name, int[][] shapes, int axis)
    {
        int rank = shapes[0].Length, k = axis < 0 ? axis + rank : axis;
        var values = shapes.Select((s, i) => PrimitiveCheck.Uniform(name.Length * 7 + i, PrimitiveCheck.Count(s), -2f, 2f)).ToArray();
        var outShape = shapes[0].ToArray();
        outShape[k] = shapes.Sum(s => s[k]);
        PrimitiveCheck.Run(session, name, p => Ops.Concat(p, axis), shapes, values, outShape, p => Joined(p, shapes, k, outShape));
    }

    private static double[] Joined(double[][] x, int[][] shapes, int axis, int[] outShape)
    {
        var y = new double[PrimitiveCheck.Count(outShape)];
        var index = new int[outShape.Length];
        for (int i = 0; i < y.Length; i++)
        {
            for (int a = outShape.Length - 1, rest = i; a >= 0; a--)
            {
                index[a] = rest % outShape[a];
                rest /= outShape[a];
            }
            int input = 0;
            while (index[axis] >= shapes[input][axis]) index[axis] -= shapes[input++][axis];
            int flat = 0;
            for (int a = 0; a < outShape.Length; a++) flat = flat * shapes[input][a] + index[a];
            y[i] = x[input][flat];
        }
        return y;
    }
}
