using Trainer.Graph.Compilation;
using Trainer.Kernels.Device;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Primitives;

/// <summary>OneHot against a loop, out-of-range indices giving rows of the off value, eager equal to compiled bit for bit.</summary>
public sealed class OneHotTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void OneHot_matches_a_loop_eager_and_compiled(DeviceKind device)
    {
        var session = sessions.Get(device);
        foreach (int n in Sizes)
            foreach (int depth in new[] { 1, 7, 65 })
            {
                var rng = new SeededRandom((ulong)(n * 131 + depth));
                var indices = Enumerable.Range(0, n).Select(_ => (int)(rng.NextUniform(0f, 1f) * (depth + 4)) - 2).ToArray();
                indices[0] = depth - 1;
                const float on = -0.75f, off = 3.5f;
                var expected = new float[n * depth];
                Array.Fill(expected, off);
                for (int r = 0; r < n; r++)
                    if (indices[r] >= 0 && indices[r] < depth) expected[r * depth + indices[r]] = on;

                var x = session.Tensor(indices, new Shape(n));
                var eager = Ops.OneHot(x, depth, on, off);
                Assert.Equal([n, depth], eager.Type.Shape);
                Assert.Equal(expected, eager.ToFloatArray());
                float[] compiled;
                using (var function = new GraphFunction(session, $"onehot{n}x{depth}", inputs => [Ops.OneHot(inputs[0], depth, on, off)], ["indices"], ["y"], new CompileOptions()))
                    compiled = function.Call(x)[0].ToFloatArray();
                Assert.True(compiled.AsSpan().SequenceEqual(expected), $"onehot {n}x{depth}: compiled differs");
                session.EndStep();
            }
        var ones = Ops.OneHot(session.Tensor([2, 0], new Shape(2)), 3).ToFloatArray();
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], ones);
        session.EndStep();
    }
}
