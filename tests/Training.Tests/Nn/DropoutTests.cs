using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Execution;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Nn;

/// <summary>
/// The Dropout cell: the mask of each step against the generator's definition, eager equal to compiled bit for bit on
/// every test device (and the devices equal to each other), one compilation while the mask changes every step, the
/// gradient against central differences of the float64 loss with that step's mask, eval and p = 0 as the identity.
/// </summary>
public sealed class DropoutTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];
    private const int Steps = 3;

    /// <summary>loss = Σ dropout(a)·w over a parameter a.</summary>
    private sealed class Masked : Cell
    {
        public Masked(float[] values, float p, ulong seed)
        {
            A = RegisterParameter("a", new Parameter("a", new Shape(values.Length), values));
            Drop = Register("drop", new Dropout(p, seed));
        }

        public Parameter A { get; }
        public Dropout Drop { get; }

        public Tensor[] Step(Tensor w)
        {
            var (loss, grads) = Autograd.ValueAndGrad(wt => Ops.ReduceSum(Ops.Mul(Drop.Call(A), wt)), null, [A])(w);
            return [loss, grads[0]];
        }
    }

    /// <summary>The factor of element i at <paramref name="step"/>: word i mod 4 of the Philox block at counter (i/4, 0, step, 0).</summary>
    private static double Factor(ulong seed, ulong step, int i, float p)
    {
        var w = Kernels.Rng.Philox4x32.Block((uint)(i / 4), 0, (uint)step, 0, (uint)seed, (uint)(seed >> 32));
        uint word = (i % 4) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
        return word >= (uint)Math.Floor(p * 4294967296.0) ? (float)(1.0 / (1.0 - p)) : 0.0;
    }

    [Fact]
    public void Eager_equals_compiled_on_every_device_and_follows_the_generator()
    {
        const float p = 0.4f;
        var byDevice = new Dictionary<DeviceKind, List<float[]>>();
        foreach (var device in TestDevices.All)
        {
            var session = sessions.Get(device);
            var results = byDevice[device] = [];
            foreach (int n in Sizes)
            {
                ulong seed = 0xABCDEF0123UL + (ulong)n;
                var values = PrimitiveCheck.Uniform(n, n, -2f, 2f);
                var w = PrimitiveCheck.Uniform(n + 1, n, -1f, 1f);
                var graphNet = new Masked(values, p, seed);
                var eagerNet = new Masked(values, p, seed);
                session.Place(graphNet);
                session.Place(eagerNet);
                using var compiled = new GraphFunction(session, $"dropout{n}", xs => graphNet.Step(xs[0]), ["w"]);
                using var eager = StepCompiler.Compile(session, $"dropout{n}", x => eagerNet.Step(x), ExecutionMode.Eager);
                for (int step = 1; step <= Steps; step++)
                {
                    var input = new HostTensor([n], w);
                    var fromGraph = compiled.Call(input).Select(t => t.ToFloatArray()).ToArray();
                    var fromEager = eager.Call(input).Select(t => t.ToFloatArray()).ToArray();
                    Assert.Equal(fromEager[0], fromGraph[0]);
                    Assert.True(fromEager[1].AsSpan().SequenceEqual(fromGraph[1]), $"{device} n={n} step {step}: eager and compiled gradients differ");
                    results.Add(fromGraph[1]);

                    // The gradient is w·factor, with the factor of this step (the state counts from 0, the first draw is step 1).
                    var factor = Enumerable.Range(0, n).Select(i => Factor(seed, (ulong)step, i, p)).ToArray();
                    var expected = Enumerable.Range(0, n).Select(i => w[i] * (float)factor[i]).ToArray();
                    Assert.True(expected.AsSpan().SequenceEqual(fromGraph[1]), $"{device} n={n} step {step}: the mask is not the generator's");
                    var a = values.Select(v => (double)v).ToArray();
                    double Loss() => Enumerable.Range(0, n).Sum(i => a[i] * factor[i] * w[i]);
                    FiniteDifference.AssertGradient(a, fromEager[1], Loss, $"{device} n={n} step {step}");
                    Assert.True(Math.Abs(fromEager[0][0] - Loss()) <= 1e-5 * Enumerable.Range(0, n).Sum(i => Math.Abs(a[i] * factor[i] * w[i])) + 1e-6);
                }
                Assert.Equal(1, compiled.Compilations);
                Assert.Equal(DropoutMask.State(seed, Steps), graphNet.Drop.State.ToFloatArray());
                Assert.Equal(DropoutMask.State(seed, Steps), eagerNet.Drop.State.ToFloatArray());
            }
        }
        foreach (var device in TestDevices.All.Skip(1))
            for (int i = 0; i < byDevice[device].Count; i++)
                Assert.True(byDevice[DeviceKind.Cpu][i].AsSpan().SequenceEqual(byDevice[device][i]), $"{device} draws another mask than the native backend");
    }

    [Fact]
    public void Eval_mode_and_p_zero_are_the_identity_and_leave_the_state()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        using var scope = session.Scope();
        var drop = new Dropout(0.5f, 7);
        var none = new Dropout(0f, 7);
        session.Place(drop);
        session.Place(none);
        var x = session.Tensor(PrimitiveCheck.Uniform(3, 65, -1f, 1f), new Shape(5, 13));
        drop.SetTrain(false);
        long launches = session.Backend.LaunchCount;
        Assert.Same(x, drop.Call(x));
        Assert.Same(x, none.Call(x));
        Assert.Equal(launches, session.Backend.LaunchCount);
        Assert.Equal(DropoutMask.State(7), drop.State.ToFloatArray());
        drop.SetTrain(true);
        var y = drop.Call(x).ToFloatArray();
        Assert.Contains(0f, y);
        Assert.Equal(DropoutMask.State(7, 1), drop.State.ToFloatArray());
        Assert.Equal(DropoutMask.State(7), none.State.ToFloatArray());
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void A_p_outside_zero_to_one_is_one_line(float p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p));
        Assert.StartsWith($"Dropout: p = {p.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a probability in [0, 1)", e.Message);
    }

    [Fact]
    public void Seeds_come_from_the_global_seed_without_moving_the_weights()
    {
        GlobalSeed.Set(5);
        var plain = new SequentialCell(new Dense(4, 3), new Dense(3, 2));
        GlobalSeed.Set(5);
        var first = new Dropout(0.5f);
        var dropped = new SequentialCell(new Dense(4, 3), new Dropout(0.5f), new Dense(3, 2));
        GlobalSeed.Set(5);
        var again = new Dropout(0.5f);
        Assert.Equal(plain.NamedParameters().Select(p => p.Parameter.InitialValue), dropped.NamedParameters().Select(p => p.Parameter.InitialValue));
        Assert.Equal(first.State.InitialValue, again.State.InitialValue);
        Assert.NotEqual(first.State.InitialValue, dropped.NamedBuffers().Single().Buffer.InitialValue);
        Assert.Equal(["1.rng_state"], dropped.NamedBuffers().Select(b => b.Name));
        Assert.Equal("Dropout<p=0.5>", first.ToString());
    }

    [Fact]
    public void Identity_returns_its_input()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        using var scope = session.Scope();
        var x = session.Tensor([1f, -2f, 3f], new Shape(3));
        var net = new SequentialCell(new Identity(), new Identity());
        Assert.Same(x, net.Call(x));
        Assert.Empty(net.NamedState());
        Assert.Equal("Identity<>", new Identity().ToString());
    }
}
