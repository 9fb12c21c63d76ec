namespace Trainer.Graph.Ir;

/// <summary>Every operation the IR knows. Primitives are what users' code produces; fused kinds come only from passes.</summary>
public enum OpKind
{
    Input,
    Parameter,
    MatMul,
    BiasAdd,
    Relu,
    ReluGrad,
    Reshape,
    SoftmaxCrossEntropy,
    SoftmaxCrossEntropyGrad,
    ColumnSum,
    Fill,
    Add,
    SgdUpdate,
    Depend,
    CountCorrect,
    MomentumUpdate,
    AdamUpdate,
    AdamBetaPowers,
    Conv2d,
    Conv2dBackwardData,
    Conv2dBackwardFilter,
    MaxPool2d,
    MaxPool2dBackward,
    ImageNormalize,
    Assign,
    // Produced by fusion passes.
    SoftmaxCrossEntropyFused,
    SgdUpdateMulti,
    MomentumUpdateMulti,
    AdamUpdateMulti,
    // Produced by the data-parallel pass (GradientAllReduce), only when compiling for more than one process.
    AllReduce,
    // An op whose definition it carries (Op.Definition): the primitives added since (elementwise, broadcasting,
    // reductions, ArgMax) and users' custom ops. Printed by the definition's name.
    Extension,
}
