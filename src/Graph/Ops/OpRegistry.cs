using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops;

/// <summary>The one table from op kind to definition.</summary>
public static class OpRegistry
{
    private static readonly Dictionary<OpKind, OpDefinition> Definitions = new OpDefinition[]
    {
        new GraphInputOp(OpKind.Input), new GraphInputOp(OpKind.Parameter),
        new MatMulOp(), new BiasAddOp(), new ReluOp(), new ReluGradOp(), new ReshapeOp(),
        new SoftmaxCrossEntropyOp(), new SoftmaxCrossEntropyGradOp(), new SoftmaxCrossEntropyFusedOp(),
        new ColumnSumOp(), new FillOp(), new AddOp(), new SgdUpdateOp(), new SgdUpdateMultiOp(), new MomentumUpdateOp(), new MomentumUpdateMultiOp(),
        new AdamUpdateOp(), new AdamUpdateMultiOp(), new AdamBetaPowersOp(),
        new Conv2dOp(), new Conv2dBackwardDataOp(), new Conv2dBackwardFilterOp(),
        new MaxPool2dOp(), new MaxPool2dBackwardOp(),
        new DependOp(), new CountCorrectOp(), new ImageNormalizeOp(), new AllReduceOp(), new AssignOp(),
    }.ToDictionary(d => d.Kind);

    /// <summary>The definition of <paramref name="op"/>: the one it carries for an <see cref="OpKind.Extension"/>, else its kind's.</summary>
    public static OpDefinition Get(Op op) =>
        op.Kind == OpKind.Extension
            ? op.Definition ?? throw new InvalidOperationException("an Extension op without a definition")
            : Get(op.Kind);

    /// <summary>The definition of a built-in kind.</summary>
    public static OpDefinition Get(OpKind kind) =>
        Definitions.TryGetValue(kind, out var d) ? d : throw new InvalidOperationException($"no definition for op {kind}");
}
