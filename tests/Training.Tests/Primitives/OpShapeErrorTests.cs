using Trainer.Graph;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Jit;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Each primitive refuses inputs that do not fit with one line naming the op and every input's shape, eager and traced.</summary>
public sealed class OpShapeErrorTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "add", "Add: shapes [3,4] and [5] do not broadcast (inputs: [3,4] float32, [5] float32)" },
        { "maximum", "Maximum: shapes [3,4] and [5] do not broadcast (inputs: [3,4] float32, [5] float32)" },
        { "reduce", "ReduceSum[axes=(2)]: axes (2) must be distinct, sorted and within rank 2 (inputs: [3,4] float32)" },
        { "argmax", "ArgMax[axis=5]: axis 5 is outside rank 2 (inputs: [3,4] float32)" },
        { "broadcast", "BroadcastTo[[2,5]]: [3,4] does not broadcast to [2,5] (inputs: [3,4] float32)" },
        { "concat", "Concat[axis=0]: shapes differ off axis 0 (inputs: [3,4] float32, [5] float32)" },
        { "onehot", "OneHot[depth=4,on=1,off=0]: input must be int32 [N] (inputs: [3,4] float32)" },
        { "batchmatmul", "BatchMatMul[transpose_a=False,transpose_b=False]: expected [B,M,K] and [B,K,N] (inputs: [3,4] float32, [5] float32)" },
        { "avgpool", "AvgPool2d[kernel=2x2,stride=2x2,pad=0x0]: expected x [N,C,H,W] (inputs: [3,4] float32)" },
        { "adaptive", "AvgPool2d[output=2x2]: expected x [N,C,H,W] (inputs: [3,4] float32)" },
        { "paddedmaxpool", "PaddedMaxPool2d[kernel=3x3,stride=1x1,pad=1x1]: expected x [N,C,H,W] (inputs: [3,4] float32)" },
        { "groupedconv", "GroupedConv2d[stride=1x1,pad=0x0,dilation=2x2,groups=1]: expected x [N,C,H,W] and w [O,C/groups,KH,KW] (inputs: [3,4] float32, [5] float32)" },
        { "slice", "Slice[begin=(1,2) size=(1,3) of=(3,4)]: axis 1: begin 2 size 3 is not inside 0..4 (inputs: [3,4] float32)" },
    };

    private static Tensor Apply(string name, Tensor a, Tensor b) => name switch
    {
        "add" => Ops.Add(a, b),
        "maximum" => Ops.Maximum(a, b),
        "reduce" => Ops.ReduceSum(a, [2]),
        "argmax" => Ops.ArgMax(a, 5),
        "slice" => Ops.Slice(a, [1, 2], [1, 3]),
        "concat" => Ops.Concat([a, b], 0),
        "onehot" => Ops.OneHot(a, 4),
        "batchmatmul" => Ops.BatchMatMul(a, b),
        "avgpool" => Ops.AvgPool2d(a, 2, 2),
        "adaptive" => Ops.AdaptiveAvgPool2d(a, 2, 2),
        "paddedmaxpool" => Ops.MaxPool2d(a, 3, 3, 1, 1, 1, 1),
        "groupedconv" => Ops.Conv2d(a, b, 1, 1, 0, 0, 2, 2, 1),
        _ => Ops.BroadcastTo(a, 2, 5),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eager_and_traced(string name, string message)
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var a = session.ToDevice(new HostTensor([3, 4], new float[12]));
        var b = session.ToDevice(new HostTensor([5], new float[5]));
        Assert.Equal(message, Assert.Throws<OpShapeException>(() => Apply(name, a, b)).Message);
        session.EndStep();

        using var function = new GraphFunction(session, "bad", (x, y) => [Apply(name, x, y)], ["x", "y"], ["out"], new CompileOptions());
        var traced = Assert.Throws<GraphCompileException>(() => function.Program(TensorType.Float(3, 4), TensorType.Float(5)));
        Assert.Equal("while tracing bad: " + message, traced.Message);
    }
}
