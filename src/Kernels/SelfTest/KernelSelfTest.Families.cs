using System.Reflection;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;
using static Trainer.Kernels.Reference.BroadcastIndex;

namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The checks of the kernels in a backend's <see cref="KernelTable"/>: one per functor of <see cref="FamilyCatalog"/>
/// and one for ArgMax, each against float64 loops written here (not the kernels' geometry code) with the bound its
/// functor declares. <see cref="Run"/> also reads the backend's table and fails any built-in kernel no check covers.
/// </summary>
public static partial class KernelSelfTest
{
    /// <summary>The unary checks' length: one past a multiple of every vector width and not a multiple of the task chunk.</summary>
    private const int UnaryLength = 64 * 512 + 3;

    /// <summary>The binary checks' shapes: a and b broadcast against each other along different axes.</summary>
    private static readonly int[] BinaryA = [7, 1, 65], BinaryB = [63, 1], BinaryOut = [7, 63, 65];

    /// <summary>The reductions' input and axes: two reduced axes around a kept one.</summary>
    private static readonly int[] ReduceShape = [7, 63, 65], ReduceAxes = [0, 2];

    private sealed class CheckRegistrar(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add) : IFamilyRegistrar
    {
        public void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor
        {
            string key = FamilyKeys.Unary(default(TF).Name);
            add($"{key} {UnaryLength}", (b, r) => CheckUnary(b, r, key, create(1.75f)));
        }

        public void Binary<TF>() where TF : struct, IBinaryFunctor
        {
            string key = FamilyKeys.Binary(default(TF).Name);
            add($"{key} {Shape(BinaryA)} with {Shape(BinaryB)}", (b, r) => CheckBinary(b, r, key, default(TF)));
        }

        public void Reduce<TF>() where TF : struct, IReduceFunctor
        {
            string key = FamilyKeys.Reduce(default(TF).Name);
            add($"{key} {Shape(ReduceShape)} axes {string.Join(",", ReduceAxes)}", (b, r) => CheckReduce(b, r, key, default(TF)));
        }
    }

    private static string Shape(int[] shape) => string.Join("x", shape);

    /// <summary>The check-adding methods marked <see cref="SelfTestChecksAttribute"/>, found once, in name order.</summary>
    private static readonly Lazy<Action<Action<string, Func<IKernelBackend, Random, SelfTestResult>>>[]> MarkedChecks = new(() =>
        [.. typeof(KernelSelfTest).GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.IsDefined(typeof(SelfTestChecksAttribute)))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => m.CreateDelegate<Action<Action<string, Func<IKernelBackend, Random, SelfTestResult>>>>())]);

    /// <summary>The table keys the marked checks launch: the first word of each of their names.</summary>
    private static readonly Lazy<HashSet<string>> MarkedKeys = new(() =>
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var addChecks in MarkedChecks.Value) addChecks((name, _) => keys.Add(FirstWord(name)));
        return keys;
    });

    private static void AddTableChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        FamilyCatalog.Register(new CheckRegistrar(add));
        foreach (var addChecks in MarkedChecks.Value) addChecks(add);
    }

    [SelfTestChecks]
    private static void AddArgMaxChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add) =>
        add($"{FamilyKeys.ArgMax} 7x65x63 axis 1", (b, r) => CheckArgMax(b, r, [7, 65, 63], 1));

    [SelfTestChecks]
    private static void AddPermuteChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add) =>
        add($"{FamilyKeys.Permute} 7x65x3x63 by 2,0,3,1", (b, r) => CheckPermute(b, r, [7, 65, 3, 63], [2, 0, 3, 1]));

    private static string FirstWord(string checkName)
    {
        int space = checkName.IndexOf(' ');
        return space < 0 ? checkName : checkName[..space];
    }

    /// <summary>
    /// The table key a check launches, read from its name (<c>unary.exp 32771</c>): a family key, a key of
    /// <see cref="FamilyKeys.Standalone"/>, or one a <see cref="SelfTestChecksAttribute"/> method's checks start with;
    /// null for the interface kernels' checks.
    /// </summary>
    public static string? TableKeyOf(string checkName)
    {
        string first = FirstWord(checkName);
        return first.Contains('.') || FamilyKeys.Standalone.Contains(first) || MarkedKeys.Value.Contains(first) ? first : null;
    }

    /// <summary>Failed results for the built-in kernels of <paramref name="backend"/>'s table that no check launches (users' custom kernels are theirs to test).</summary>
    public static IEnumerable<SelfTestResult> UncheckedTableKernels(IKernelBackend backend, IEnumerable<SelfTestCheck> checks)
    {
        var checkedKeys = checks.SelectMany(c => c.TableKeys).ToHashSet(StringComparer.Ordinal);
        return backend.Kernels.Keys
            .Where(k => !k.StartsWith(FamilyKeys.CustomPrefix, StringComparison.Ordinal) && !checkedKeys.Contains(k))
            .Select(k => new SelfTestResult($"{k} (table)", double.NaN, double.NaN, false, 0, $"the backend's table has kernel '{k}' but no self-test check launches it"));
    }

    private static KernelCall Call(DeviceBuffer[] inputs, int[][] inputShapes, DeviceBuffer output, int[] outputShape) =>
        new(inputs, inputShapes, [output], [outputShape]);

    private static SelfTestResult CheckUnary<TF>(IKernelBackend backend, Random rng, string key, TF f) where TF : struct, IUnaryFunctor
    {
        var (low, high) = f.TestRange;
        var x = Uniform(rng, UnaryLength, low, high);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(UnaryLength);
        var launch = backend.Kernels.Bind(key, Call([dx], [[UnaryLength]], dy, [UnaryLength]) with { Scalar = 1.75f });
        double ms = Time(backend, launch);
        var expected = Array.ConvertAll(x, v => f.Reference(v));
        return CompareOutput(buffers, dy, UnaryLength, expected, i => f.ErrorBound(expected[i]), ms);
    }

    private static SelfTestResult CheckBinary<TF>(IKernelBackend backend, Random rng, string key, TF f) where TF : struct, IBinaryFunctor
    {
        var a = Uniform(rng, Count(BinaryA), -3f, 3f);
        var b = Uniform(rng, Count(BinaryB), 0.5f, 3f); // away from 0, for the division
        for (int i = 0; i < b.Length; i += 2) b[i] = -b[i];
        for (int i = 0; i < Math.Min(a.Length, b.Length); i += 5) a[i] = b[i]; // ties, for the comparisons
        using var buffers = new Buffers(backend);
        var da = buffers.Put(a);
        var db = buffers.Put(b);
        int n = Count(BinaryOut);
        var dy = buffers.Output(n);
        var launch = backend.Kernels.Bind(key, Call([da, db], [BinaryA, BinaryB], dy, BinaryOut));
        double ms = Time(backend, launch);
        var expected = new double[n];
        var index = new int[BinaryOut.Length];
        for (int i = 0; i < n; i++)
        {
            Unravel(i, BinaryOut, index);
            expected[i] = f.Reference(a[Ravel(index, BinaryA)], b[Ravel(index, BinaryB)]);
        }
        return CompareOutput(buffers, dy, n, expected, i => f.ErrorBound(expected[i]), ms);
    }

    private static SelfTestResult CheckReduce<TF>(IKernelBackend backend, Random rng, string key, TF f) where TF : struct, IReduceFunctor
    {
        var x = Uniform(rng, Count(ReduceShape));
        var outShape = ReduceShape.Where((_, axis) => !ReduceAxes.Contains(axis)).ToArray();
        int n = Count(outShape);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(n);
        var launch = backend.Kernels.Bind(key, Call([dx], [ReduceShape], dy, outShape) with { Axes = ReduceAxes });
        double ms = Time(backend, launch);

        var groups = new List<double>[n];
        for (int o = 0; o < n; o++) groups[o] = [];
        var index = new int[ReduceShape.Length];
        for (int i = 0; i < x.Length; i++)
        {
            Unravel(i, ReduceShape, index);
            int o = 0;
            for (int axis = 0; axis < ReduceShape.Length; axis++)
                if (!ReduceAxes.Contains(axis)) o = o * ReduceShape[axis] + index[axis];
            groups[o].Add(x[i]);
        }
        var expected = groups.Select(g => f.Reference(g.ToArray())).ToArray();
        var magnitude = groups.Select(g => g.Sum(Math.Abs)).ToArray();
        return CompareOutput(buffers, dy, n, expected, i => f.ErrorBound(groups[i].Count, magnitude[i]), ms);
    }

    private static SelfTestResult CheckArgMax(IKernelBackend backend, Random rng, int[] shape, int axis)
    {
        var x = Uniform(rng, Count(shape));
        for (int i = 0; i + shape[2] < x.Length; i += 11) x[i + shape[2]] = x[i]; // ties along the axis: the first must win
        var outShape = shape.Where((_, a) => a != axis).ToArray();
        int n = Count(outShape);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(n);
        var launch = backend.Kernels.Bind(FamilyKeys.ArgMax, Call([dx], [shape], dy, outShape) with { Axes = [axis] });
        double ms = Time(backend, launch);
        var (outer, len, inner) = ArgMaxShape.Of(shape, axis);
        var expected = new double[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int j = 1; j < len; j++)
                    if ((double)x[(o * len + j) * inner + i] > x[(o * len + best) * inner + i]) best = j;
                expected[o * inner + i] = best;
            }
        var raw = buffers.Get<float>(dy, n + Guard);
        var got = new float[n];
        for (int i = 0; i < n; i++) got[i] = BitConverter.SingleToInt32Bits(raw[i]);
        var result = SelfTestComparison.Compare("", expected, got, 0, ms);
        return SelfTestComparison.CheckGuard(result, raw.AsSpan(n), Sentinel);
    }

    private static SelfTestResult CheckPermute(IKernelBackend backend, Random rng, int[] shape, int[] permutation)
    {
        var x = Uniform(rng, Count(shape));
        var outShape = permutation.Select(a => shape[a]).ToArray();
        int n = x.Length;
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(n);
        var launch = backend.Kernels.Bind(FamilyKeys.Permute, Call([dx], [shape], dy, outShape) with { Axes = permutation });
        double ms = Time(backend, launch);
        var expected = new double[n];
        var outIndex = new int[shape.Length];
        var inIndex = new int[shape.Length];
        for (int i = 0; i < n; i++)
        {
            Unravel(i, outShape, outIndex);
            for (int axis = 0; axis < shape.Length; axis++) inIndex[permutation[axis]] = outIndex[axis];
            int flat = 0;
            for (int axis = 0; axis < shape.Length; axis++) flat = flat * shape[axis] + inIndex[axis];
            expected[i] = x[flat];
        }
        return CompareOutput(buffers, dy, n, expected, _ => 0, ms);
    }
}
