namespace Trainer.Graph.Ir;

/// <summary>Every operation the IR knows. Primitives are what users' code produces; fused kinds come only from passes.</summary>
public enum OpKind
{
    /// <summary>A step input (the batch), named by <see cref="Op.Name"/>.</summary>
    Input,
    /// <summary>A trainable weight the step reads and its optimizer updates, named by <see cref="Op.Name"/>.</summary>
    Parameter,
    /// <summary>Matrix product C = op(A)·op(B), with an optional epilogue.</summary>
    MatMul,
    /// <summary>Adds a bias along the last axis (or the axis of <see cref="AxisAttributes"/>).</summary>
    BiasAdd,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>ReLU's gradient from its output: dy where y &gt; 0, else 0.</summary>
    ReluGrad,
    /// <summary>The same elements in a new shape (an alias, no copy).</summary>
    Reshape,
    /// <summary>Mean softmax cross-entropy of logits against int32 labels.</summary>
    SoftmaxCrossEntropy,
    /// <summary>The gradient of <see cref="SoftmaxCrossEntropy"/> with respect to the logits.</summary>
    SoftmaxCrossEntropyGrad,
    /// <summary>Sum over the rows (or over every axis but <see cref="AxisAttributes.Axis"/>): a bias's gradient.</summary>
    ColumnSum,
    /// <summary>A constant tensor.</summary>
    Fill,
    /// <summary>Elementwise sum of two tensors of one shape.</summary>
    Add,
    /// <summary>Plain SGD update of a parameter, in place.</summary>
    SgdUpdate,
    /// <summary>Its first input, ordered after its other inputs (MindSpore's ops.depend); an alias, no copy.</summary>
    Depend,
    /// <summary>The number of rows whose argmax equals the label.</summary>
    CountCorrect,
    /// <summary>SGD-with-momentum update of a parameter and its accumulation, in place.</summary>
    MomentumUpdate,
    /// <summary>Adam update of a parameter and its two moments, in place.</summary>
    AdamUpdate,
    /// <summary>Advances Adam's beta powers by one step, in place.</summary>
    AdamBetaPowers,
    /// <summary>2-D convolution, NCHW input, OIHW weight, with an optional bias and ReLU epilogue.</summary>
    Conv2d,
    /// <summary>The convolution's input gradient.</summary>
    Conv2dBackwardData,
    /// <summary>The convolution's weight gradient.</summary>
    Conv2dBackwardFilter,
    /// <summary>2-D max pooling over NCHW.</summary>
    MaxPool2d,
    /// <summary>Max pooling's input gradient, optionally fused with the ReLU gradient before it.</summary>
    MaxPool2dBackward,
    /// <summary>uint8 pixels to normalised float32 (Rescale then Normalize).</summary>
    ImageNormalize,
    /// <summary>Copies a value into a buffer in place (<c>Ops.Assign</c>): a buffer's update, ordered by explicit edges.</summary>
    Assign,
    // Produced by fusion passes.
    /// <summary>Softmax cross-entropy's loss and logits gradient in one kernel (fusion).</summary>
    SoftmaxCrossEntropyFused,
    /// <summary>Every plain SGD update of a step in one launch (fusion).</summary>
    SgdUpdateMulti,
    /// <summary>Every momentum update of a step in one launch (fusion).</summary>
    MomentumUpdateMulti,
    /// <summary>Every Adam update of a step in one launch (fusion).</summary>
    AdamUpdateMulti,
    // Produced by the data-parallel pass (GradientAllReduce), only when compiling for more than one process.
    /// <summary>The mean of the gradients over the data-parallel processes.</summary>
    AllReduce,
    // An op whose definition it carries (Op.Definition): the primitives added since (elementwise, broadcasting,
    // reductions, ArgMax) and users' custom ops. Printed by the definition's name.
    /// <summary>An op outside this enum (a library primitive or a user's custom op): the <see cref="Op"/> carries its definition.</summary>
    Extension,
}
