using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Nn;

/// <summary>Buffers registered by name, train/eval mode read by Construct, and cells with several inputs and outputs.</summary>
public sealed class CellStateTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    /// <summary>
    /// In training, y = relu(x + running) and running ← running + mean over rows of x (written after
    /// the read, in the step); in evaluation y = x + running, with running left alone.
    /// </summary>
    private sealed class RunningShift : Cell
    {
        private readonly Parameter averager, running;
        private readonly Parameter scale;

        public RunningShift(int rows, int channels)
        {
            scale = RegisterParameter("scale", new Parameter("scale", new Shape(channels, channels), IdentityTimes(channels, 1f)));
            averager = RegisterBuffer("averager", new Shape(1, rows), Enumerable.Repeat(1f / rows, rows).ToArray());
            running = RegisterBuffer("running", new Shape(channels), new float[channels]);
        }

        public Parameter Running => running;

        private static float[] IdentityTimes(int n, float v) => Enumerable.Range(0, n * n).Select(i => i % (n + 1) == 0 ? v : 0f).ToArray();

        public override Tensor Construct(Tensor x)
        {
            x = Ops.MatMul(x, scale);
            var shifted = Ops.BiasAdd(x, running);
            if (!Training) return shifted;
            var mean = Ops.Reshape(Ops.MatMul(averager, x), running.Shape[0]);
            var update = Ops.Assign(running, Ops.Reshape(Ops.BiasAdd(Ops.Reshape(mean, 1, running.Shape[0]), running), running.Shape[0]));
            return Ops.Depend(Ops.Relu(shifted), update);
        }
    }

    [Fact]
    public void BuffersAreNamedStateButNotTrainable()
    {
        var net = new SequentialCell(new RunningShift(2, 3));
        Assert.Equal(["0.scale"], net.TrainableParams().Select(p => p.Name));
        Assert.Equal(["0.averager", "0.running"], net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["0.scale", "0.averager", "0.running"], net.NamedState().Select(s => s.Name));
        Assert.All(net.NamedBuffers(), b => Assert.False(b.Buffer.RequiresGrad));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(5, 3)]
    public void EachModeCompilesOnceAndEqualsEager(int rows, int channels)
    {
        var rng = new SeededRandom(42);
        var batches = Enumerable.Range(0, 3)
            .Select(_ => new HostTensor([rows, channels], Enumerable.Range(0, rows * channels).Select(_ => rng.NextUniform(-1f, 1f)).ToArray()))
            .ToArray();
        var graphCell = new RunningShift(rows, channels);
        var eagerCell = new RunningShift(rows, channels);
        session.Place(graphCell);
        session.Place(eagerCell);
        using var compiled = new GraphFunction(session, "shift", xs => [graphCell.Call(xs[0])], ["x"]);
        using var eager = StepCompiler.Compile(session, "shift", x => [eagerCell.Call(x)], ExecutionMode.Eager);

        var expectedRunning = new double[channels];
        foreach (var (training, batch) in new[] { (true, 0), (true, 1), (false, 2), (true, 2), (false, 0) })
        {
            graphCell.SetTrain(training);
            eagerCell.SetTrain(training);
            var fromGraph = compiled.Call(batches[batch])[0].ToFloatArray();
            var fromEager = eager.Call(batches[batch])[0].ToFloatArray();
            Assert.Equal(fromEager, fromGraph);
            Assert.Equal(eagerCell.Running.ToFloatArray(), graphCell.Running.ToFloatArray());

            // Independent reference: the output reads the running value from before this step's update.
            var x = batches[batch].AsFloat();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < channels; c++)
                {
                    double v = x[r * channels + c] + expectedRunning[c];
                    Assert.Equal(training ? Math.Max(0, v) : v, fromGraph[r * channels + c], 5);
                }
            if (training)
                for (int c = 0; c < channels; c++)
                    expectedRunning[c] += Enumerable.Range(0, rows).Average(r => (double)x[r * channels + c]);
            var running = graphCell.Running.ToFloatArray();
            for (int c = 0; c < channels; c++) Assert.Equal(expectedRunning[c], running[c], 5);
        }
        Assert.Equal(2, compiled.Compilations); // one graph per mode, each reused
    }

    /// <summary>
    /// A view of a buffer made before the buffer is written and read after it sees the new value in
    /// both modes, as it does eagerly (the view shares the buffer's memory); a read before the write sees the old one.
    /// </summary>
    [Fact]
    public void ReadsThroughAViewFollowTheWriteInCodeOrder()
    {
        var graphBuffer = new Parameter("g", new Shape(3), [1f, 2f, 3f], requiresGrad: false);
        var eagerBuffer = new Parameter("e", new Shape(3), [1f, 2f, 3f], requiresGrad: false);
        session.Place([graphBuffer, eagerBuffer]);
        Func<Tensor[], Tensor[]> Step(Parameter buffer) => xs =>
        {
            var view = Ops.Reshape(buffer, 1, 3);
            var before = Ops.Relu(Ops.BiasAdd(xs[0], buffer));
            var write = Ops.Assign(buffer, Ops.Reshape(xs[0], 3));
            var after = Ops.Relu(Ops.Reshape(view, 3));
            return [before, Ops.Depend(after, write)];
        };
        using var compiled = StepCompiler.Compile(session, "view", Step(graphBuffer), ["x"]);
        using var eager = StepCompiler.Compile(session, "view", Step(eagerBuffer), ["x"], ExecutionMode.Eager);
        var x = new HostTensor([1, 3], new[] { -5f, 0.5f, 7f });
        var fromGraph = compiled.Call(x).Select(t => t.ToFloatArray()).ToArray();
        var fromEager = eager.Call(x).Select(t => t.ToFloatArray()).ToArray();
        Assert.Equal([0f, 2.5f, 10f], fromEager[0]);
        Assert.Equal([0f, 0.5f, 7f], fromEager[1]);
        Assert.Equal(fromEager[0], fromGraph[0]);
        Assert.Equal(fromEager[1], fromGraph[1]);
    }

    /// <summary>Two inputs, two outputs: (relu(a·b), a·b).</summary>
    private sealed class TwoInTwoOut : Cell
    {
        public override Tensor[] Construct(params Tensor[] inputs)
        {
            var product = Ops.MatMul(inputs[0], inputs[1]);
            return [Ops.Relu(product), product];
        }
    }

    /// <summary>One input, two outputs: (relu(x), x).</summary>
    private sealed class OneInTwoOut : Cell
    {
        public override Tensor[] Construct(params Tensor[] inputs) => [Ops.Relu(inputs[0]), inputs[0]];
    }

    /// <summary>A one-input network that calls a two-input child, so the summary records the multi-output call.</summary>
    private sealed class Squares : Cell
    {
        private readonly TwoInTwoOut pair;

        public Squares() => pair = Register("pair", new TwoInTwoOut());

        public override Tensor Construct(Tensor x) => pair.Call(x, Ops.Reshape(x, x.Shape[1], x.Shape[0]))[0];
    }

    [Fact]
    public void SeveralInputsAndOutputs()
    {
        using var scope = session.Scope();
        var a = session.Tensor([1f, -2f, 3f, 4f, 5f, -6f], new Shape(2, 3));
        var b = session.Tensor([1f, 0f, 0f, 1f, 1f, 1f], new Shape(3, 2));
        var outputs = new TwoInTwoOut().Call(a, b);
        Assert.Equal([4f, 1f, 0f, 0f], outputs[0].ToFloatArray());
        Assert.Equal([4f, 1f, -2f, -1f], outputs[1].ToFloatArray());
        var e = Assert.Throws<InvalidOperationException>(() => new OneInTwoOut().Call(a));
        Assert.Contains("returned 2 outputs from one input", e.Message);

        var summary = CellSummary.Create(new Squares(), 2, 3);
        Assert.Equal(["Squares", "TwoInTwoOut"], summary.Rows.Select(r => r.Type));
        Assert.Equal([2, 2], summary.Rows[1].OutputShape);
    }
}
