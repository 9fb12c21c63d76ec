using Trainer.Training.Nn;
using Trainer.Training.Optim;

namespace Trainer.Training.Tests;

/// <summary>Eager memory by scope: what a scope made is freed when it ends, kept tensors survive, a freed one fails loudly.</summary>
public sealed class TensorScopeTests(CpuSession fixture) : IClassFixture<CpuSession>
{
    private readonly Session session = fixture.Session;

    [Fact]
    public void FreesWhatItMadeAndKeepsWhatItWasAskedTo()
    {
        Tensor kept, dropped, view;
        long before = session.EagerBytesInUse;
        using (var scope = session.Scope())
        {
            var x = session.Tensor([1f, -2f, 3f, -4f, 5f, -6f, 7f], new Shape(7));
            dropped = Ops.Relu(x);
            view = Ops.Reshape(dropped, 7, 1);
            kept = scope.Keep(Ops.Reshape(Ops.Relu(x), 1, 7)); // a view: its storage is kept
        }
        Assert.Equal([1f, 0f, 3f, 0f, 5f, 0f, 7f], kept.ToFloatArray());
        var e = Assert.Throws<InvalidOperationException>(() => dropped.ToFloatArray());
        Assert.StartsWith("this (7,) float32 tensor was freed when the scope or step that made it ended", e.Message);
        Assert.Throws<InvalidOperationException>(() => Ops.Relu(view));
        session.EndStep(); // the kept tensor belonged to the step
        Assert.Throws<InvalidOperationException>(() => kept.ToFloatArray());
        Assert.Equal(before, session.EagerBytesInUse);
    }

    [Fact]
    public void NestedScopesCloseInnermostFirst()
    {
        using var outer = session.Scope();
        var inner = session.Scope();
        var middle = session.Scope();
        var e = Assert.Throws<InvalidOperationException>(() => inner.Dispose());
        Assert.Contains("reverse order of opening", e.Message);
        middle.Dispose();
        inner.Dispose();
    }

    /// <summary>10,000 eager training steps with no EndStep: the pool takes memory from the device in the first step only.</summary>
    [Fact]
    public void TenThousandEagerStepsKeepThePoolBounded()
    {
        GlobalSeed.Set(5);
        var model = new SequentialCell(new Dense(7, 5), new ReLU(), new Dense(5, 3));
        session.Place(model);
        var optimizer = new SGD(model.TrainableParams(), 0.01f);
        var grad = Autograd.ValueAndGrad((Tensor x, Tensor y) => Ops.SoftmaxCrossEntropy(model.Call(x), y), null, optimizer.Parameters);
        var data = Enumerable.Range(0, 2 * 7).Select(i => (i % 5) * 0.25f - 0.5f).ToArray();
        long inUse = session.EagerBytesInUse, reservedAfterFirst = 0;
        float first = 0, last = 0;
        for (int step = 0; step < 10_000; step++)
        {
            using var scope = session.Scope();
            var (loss, grads) = grad(session.Tensor(data, new Shape(2, 7)), session.Tensor([0, 2], new Shape(2)));
            Ops.Depend(loss, optimizer.Step(grads));
            if (step == 0) { first = loss.Item(); reservedAfterFirst = session.EagerBytesReserved; }
            if (step == 9_999) last = loss.Item();
        }
        Assert.Equal(reservedAfterFirst, session.EagerBytesReserved);
        Assert.Equal(inUse, session.EagerBytesInUse);
        Assert.True(last < first, $"training went nowhere: {first} -> {last}");
    }
}
