using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Permute and Transpose against index loops, their gradients against finite differences, eager equal to compiled.</summary>
public sealed class PermuteTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Permute_and_transpose(DeviceKind device)
    {
        foreach (int n in Sizes)
        {
            int[] shape = [2, n, 3];
            var x = PrimitiveCheck.Uniform(n + 13, PrimitiveCheck.Count(shape), -2f, 2f);
            PrimitiveCheck.Run(sessions.Get(device), $"permute{n}", p => Ops.Permute(p[0], 2, 0, 1), [shape], [x], [3, 2, n],
                p => Permuted(p[0], shape, [2, 0, 1]));
            PrimitiveCheck.Run(sessions.Get(device), $"transpose{n}", p => Ops.Transpose(p[0]), [shape], [x], [2, 3, n],
                p => Permuted(p[0], shape, [0, 2, 1]));
        }
    }

    private static double[] Permuted(double[] x, int[] shape, int[] axes)
    {
        var outShape = axes.Select(a => shape[a]).ToArray();
        var y = new double[x.Length];
        var outIndex = new int[shape.Length];
        var inIndex = new int[shape.Length];
        for (int i = 0; i < y.Length; i++)
        {
            for (int axis = outShape.Length - 1, rest = i; axis >= 0; axis--)
            {
                outIndex[axis] = rest % outShape[axis];
                rest /= outShape[axis];
            }
            for (int axis = 0; axis < axes.Length; axis++) inIndex[axes[axis]] = outIndex[axis];
            int flat = 0;
            for (int axis = 0; axis < shape.Length; axis++) flat = flat * shape[axis] + inIndex[axis];
            y[i] = x[flat];
        }
        return y;
    }
}
