using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;

namespace Trainer.Training.Tests.Jit;

/// <summary>An eager step frees its own memory: temporaries when it returns, results at the next call.</summary>
public sealed class EagerFunctionTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    [Fact]
    public void TenThousandStepsWithoutEndStepKeepThePoolBounded()
    {
        GlobalSeed.Set(9);
        var model = new SequentialCell(new Dense(7, 5), new ReLU(), new Dense(5, 3));
        session.Place(model);
        var optimizer = new SGD(model.TrainableParams(), 0.05f);
        var grad = Autograd.ValueAndGrad((Tensor x, Tensor y) => Ops.SoftmaxCrossEntropy(model.Call(x), y), null, optimizer.Parameters);
        using var step = StepCompiler.Compile(session, "train_step", (x, y) =>
        {
            var (loss, grads) = grad(x, y);
            return [Ops.Depend(loss, optimizer.Step(grads))];
        }, ExecutionMode.Eager);
        HostTensor[] batch = [new([3, 7], Enumerable.Range(0, 21).Select(i => (i % 4) * 0.5f - 0.75f).ToArray()), new([3], new[] { 0, 1, 2 })];

        long inUse = session.EagerBytesInUse;
        float first = step.Call(batch)[0].Item();
        long reserved = session.EagerBytesReserved;
        Tensor last = null!;
        for (int i = 1; i < 10_000; i++) last = step.Call(batch)[0];
        Assert.Equal(reserved, session.EagerBytesReserved);
        Assert.True(last.Item() < first, $"training went nowhere: {first} -> {last.Item()}");
        step.Dispose();
        Assert.Equal(inUse, session.EagerBytesInUse);
    }

    [Fact]
    public void ResultsLiveUntilTheNextCall()
    {
        using var step = StepCompiler.Compile(session, "relu", x => [Ops.Relu(x)], ExecutionMode.Eager);
        var first = step.Call(new HostTensor([3], new[] { -1f, 2f, -3f }))[0];
        Assert.Equal([0f, 2f, 0f], first.ToFloatArray());
        var second = step.Call(new HostTensor([2], new[] { 5f, -5f }))[0];
        Assert.Equal([5f, 0f], second.ToFloatArray());
        var e = Assert.Throws<InvalidOperationException>(() => first.ToFloatArray());
        Assert.Contains("was freed", e.Message);
        var arity = Assert.Throws<ArgumentException>(() => step.Call(new HostTensor([1], new[] { 1f }), new HostTensor([1], new[] { 1f })));
        Assert.Equal("relu takes 1 input, 2 were given", arity.Message);
    }
}
