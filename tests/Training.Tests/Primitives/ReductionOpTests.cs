using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>ReduceSum, ReduceMean and ReduceMax over axes (and BroadcastTo, their gradients' partner) on every test device.</summary>
public sealed class ReductionOpTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    private static readonly Dictionary<string, Func<Tensor, int[], bool, Tensor>> Cases = new()
    {
        ["sum"] = (x, a, k) => Ops.ReduceSum(x, a, k),
        ["mean"] = (x, a, k) => Ops.ReduceMean(x, a, k),
        ["max"] = (x, a, k) => Ops.ReduceMax(x, a, k),
    };

    public static TheoryData<DeviceKind, string> All()
    {
        var data = new TheoryData<DeviceKind, string>();
        foreach (var device in TestDevices.All)
            foreach (string name in Cases.Keys)
                data.Add(device, name);
        return data;
    }

    private static IEnumerable<(int[] Shape, int[] Axes, bool KeepDims)> Reductions(int n) =>
        [([3, n], [1], false), ([3, n], [-2], true), ([2, n, 3], [0, 2], true), ([n], [0], false)];

    [Theory]
    [MemberData(nameof(All))]
    public void Gradient_matches_finite_differences_and_eager_equals_compiled(DeviceKind device, string name)
    {
        var op = Cases[name];
        foreach (int n in Sizes)
            foreach (var (shape, axes, keep) in Reductions(n))
            {
                var normal = axes.Select(a => a < 0 ? a + shape.Length : a).ToArray();
                var outShape = shape.Select((d, i) => normal.Contains(i) ? (keep ? 1 : -1) : d).Where(d => d >= 0).ToArray();
                var x = PrimitiveCheck.Uniform(n * 3 + shape.Length, PrimitiveCheck.Count(shape), -2f, 2f);
                var groups = GroupOf(shape, normal);
                PrimitiveCheck.Run(sessions.Get(device), $"{name}[{string.Join(",", shape)}]/{string.Join(",", axes)}", p => op(p[0], axes, keep),
                    [shape], [x], outShape, p => Reduce(p[0], groups, PrimitiveCheck.Count(outShape), name));
            }
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void BroadcastTo_copies_and_sums_its_gradient_back(DeviceKind device)
    {
        foreach (int n in Sizes)
        {
            var x = PrimitiveCheck.Uniform(n, n, -2f, 2f);
            PrimitiveCheck.Run(sessions.Get(device), $"broadcast{n}", p => Ops.BroadcastTo(p[0], 3, n), [[n]], [x], [3, n],
                p => Enumerable.Range(0, 3 * n).Select(i => p[0][i % n]).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void ArgMax_gives_the_first_largest_index_eagerly_as_int32(DeviceKind device)
    {
        var session = sessions.Get(device);
        foreach (int n in Sizes)
        {
            var x = PrimitiveCheck.Uniform(n + 5, 3 * n, -2f, 2f);
            x[n - 1] = x[0] = 9f; // a tie in row 0: index 0
            var result = Ops.ArgMax(session.ToDevice(new Trainer.Training.Data.HostTensor([3, n], x)), -1).ToInt32Array();
            for (int r = 0; r < 3; r++)
            {
                var row = x.Skip(r * n).Take(n).ToArray();
                Assert.Equal(Array.IndexOf(row, row.Max()), result[r]);
            }
            session.EndStep();
        }
    }

    /// <summary>The output each input element folds into, by its multi-index (the kept axes in order).</summary>
    private static int[] GroupOf(int[] shape, int[] axes)
    {
        var groups = new int[PrimitiveCheck.Count(shape)];
        var index = new int[shape.Length];
        for (int i = 0; i < groups.Length; i++)
        {
            for (int axis = shape.Length - 1, rest = i; axis >= 0; axis--)
            {
                index[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            for (int axis = 0; axis < shape.Length; axis++)
                if (!axes.Contains(axis)) groups[i] = groups[i] * shape[axis] + index[axis];
        }
        return groups;
    }

    private static double[] Reduce(double[] x, int[] groups, int outputs, string name)
    {
        var y = new double[outputs];
        var count = new int[outputs];
        if (name == "max") Array.Fill(y, double.NegativeInfinity);
        for (int i = 0; i < x.Length; i++)
        {
            int g = groups[i];
            y[g] = name == "max" ? Math.Max(y[g], x[i]) : y[g] + x[i];
            count[g]++;
        }
        if (name == "mean") for (int g = 0; g < outputs; g++) y[g] /= count[g];
        return y;
    }
}
