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
        new DependOp(), new CountCorrectOp(), new ImageNormalizeOp(), new AllReduceOp(),
    }.ToDictionary(d => d.Kind);

    /// <summary>The definition of <paramref name="kind"/>; throws when none is registered.</summary>
    public static OpDefinition Get(OpKind kind) =>
        Definitions.TryGetValue(kind, out var d) ? d : throw new InvalidOperationException($"no definition for op {kind}");
}
