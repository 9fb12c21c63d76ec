using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// Every broadcasting binary primitive, differentiated eagerly and compiled on every test device: gradients of a
/// broadcast operand are summed over the axes it was broadcast along.
/// </summary>
public sealed class BinaryOpTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Op, Func<double, double, double> Reference)> Cases = new()
    {
        ["add"] = (Ops.Add, (a, b) => a + b),
        ["sub"] = (Ops.Sub, (a, b) => a - b),
        ["mul"] = (Ops.Mul, (a, b) => a * b),
        ["div"] = (Ops.Div, (a, b) => a / b),
        ["maximum"] = (Ops.Maximum, Math.Max),
        ["minimum"] = (Ops.Minimum, Math.Min),
    };

    public static TheoryData<DeviceKind, string> All()
    {
        var data = new TheoryData<DeviceKind, string>();
        foreach (var device in TestDevices.All)
            foreach (string name in Cases.Keys)
                data.Add(device, name);
        return data;
    }

    private static IEnumerable<(int[] A, int[] B)> Shapes(int n) => [([n], [n]), ([3, n], [n]), ([n, 1], [1, 3]), ([1], [n])];

    [Theory]
    [MemberData(nameof(All))]
    public void Gradient_matches_finite_differences_and_eager_equals_compiled(DeviceKind device, string name)
    {
        var (op, reference) = Cases[name];
        foreach (int n in Sizes)
            foreach (var (sa, sb) in Shapes(n))
            {
                var outShape = Broadcast(sa, sb);
                var a = PrimitiveCheck.Uniform(n + sa.Length, PrimitiveCheck.Count(sa), -2f, 2f);
                var b = PrimitiveCheck.Uniform(n + 7 * sb.Length, PrimitiveCheck.Count(sb), 0.5f, 2f);
                for (int i = 0; i < b.Length; i += 2) b[i] = -b[i];
                PrimitiveCheck.Run(sessions.Get(device), $"{name}[{string.Join(",", sa)}]x[{string.Join(",", sb)}]", p => op(p[0], p[1]),
                    [sa, sb], [a, b], outShape, p => Reference(p[0], sa, p[1], sb, outShape, reference));
            }
    }

    internal static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        return Enumerable.Range(0, rank).Select(i => Math.Max(At(a, i, rank), At(b, i, rank))).ToArray();
    }

    private static int At(int[] shape, int axis, int rank) => axis - (rank - shape.Length) is var i and >= 0 ? shape[i] : 1;

    /// <summary>The float64 result by multi-index: each operand read at the output's index, 0 along its size-1 axes.</summary>
    private static double[] Reference(double[] a, int[] sa, double[] b, int[] sb, int[] outShape, Func<double, double, double> f)
    {
        int count = PrimitiveCheck.Count(outShape);
        var y = new double[count];
        var index = new int[outShape.Length];
        for (int i = 0; i < count; i++)
        {
            for (int axis = outShape.Length - 1, rest = i; axis >= 0; axis--)
            {
                index[axis] = rest % outShape[axis];
                rest /= outShape[axis];
            }
            y[i] = f(a[Flat(index, sa)], b[Flat(index, sb)]);
        }
        return y;
    }

    private static int Flat(int[] index, int[] shape)
    {
        int flat = 0, skip = index.Length - shape.Length;
        for (int axis = 0; axis < shape.Length; axis++) flat = flat * shape[axis] + (shape[axis] == 1 ? 0 : index[skip + axis]);
        return flat;
    }
}
