namespace Trainer.Kernels.Ops;

/// <summary>
/// The table keys of the layer, loss, optimizer and data kernels, which were methods of <see cref="Device.IKernelBackend"/>
/// before the <see cref="Device.KernelTable"/>. Each says how its <see cref="Device.KernelCall"/> is laid out: the buffers
/// in Inputs and Outputs, the sizes in the shapes (a count is the first output's element count), anything else in
/// <see cref="Device.KernelCall.Attributes"/> or <see cref="Device.KernelCall.Scalar"/>. These kernels count their own
/// launches (a split GEMM counts two).
/// </summary>
public static class KernelKeys
{
    /// <summary>C = epilogue(op(A)·op(B)): Inputs [A, B], Outputs [C], <see cref="GemmAttributes"/> (shape, epilogue, its bias or hyperparameters, its mask).</summary>
    public const string Gemm = "gemm";

    /// <summary>y[r,c] = x[r,c] + bias[c]: Inputs [x, bias] with x's shape [rows, columns], Outputs [y].</summary>
    public const string BiasAdd = "bias_add";

    /// <summary>y = max(x, +0): Inputs [x], Outputs [y] of [count].</summary>
    public const string Relu = "relu";

    /// <summary>dx = y &gt; 0 ? dy : +0: Inputs [dy, y], Outputs [dx] of [count].</summary>
    public const string ReluBackward = "relu_backward";

    /// <summary>sum[c] = Σ_r x[r,c] in row order: Inputs [x] of [rows, columns], Outputs [sum].</summary>
    public const string ColumnSum = "column_sum";

    /// <summary>The forward convolution: Inputs [x, weight], Outputs [y], <see cref="ConvolutionAttributes"/> (shape, epilogue, bias, workspace).</summary>
    public const string Conv2d = "conv2d";

    /// <summary>The convolution's input gradient: Inputs [dy, weight], Outputs [dx], <see cref="ConvolutionAttributes"/> (shape, workspace).</summary>
    public const string Conv2dBackwardData = "conv2d_backward_data";

    /// <summary>The convolution's weight gradient: Inputs [x, dy], Outputs [dw], <see cref="ConvolutionAttributes"/> (shape, workspace).</summary>
    public const string Conv2dBackwardFilter = "conv2d_backward_filter";

    /// <summary>Max pooling: Inputs [x], Outputs [y], <see cref="PoolingAttributes"/>.</summary>
    public const string MaxPool2d = "max_pool2d";

    /// <summary>Max pooling's input gradient from x (optionally masked by x &gt; 0): Inputs [x, dy], Outputs [dx], <see cref="PoolingAttributes"/>.</summary>
    public const string MaxPool2dBackward = "max_pool2d_backward";

    /// <summary>y[o,c,i] = x[o,c,i] + b[c]: Inputs [x, bias] with x's shape [outer, channels, inner], Outputs [y].</summary>
    public const string ChannelBiasAdd = "channel_bias_add";

    /// <summary>s[c] = Σ_o Σ_i x[o,c,i]: Inputs [x] of [outer, channels, inner], Outputs [sum].</summary>
    public const string ChannelSum = "channel_sum";

    /// <summary>The mean softmax cross-entropy loss: Inputs [logits of [rows, classes], int32 labels], Outputs [loss].</summary>
    public const string SoftmaxCrossEntropy = "softmax_cross_entropy";

    /// <summary>Its gradient scaled by dloss[0]: Inputs [logits of [rows, classes], labels, dloss], Outputs [dlogits].</summary>
    public const string SoftmaxCrossEntropyBackward = "softmax_cross_entropy_backward";

    /// <summary>The loss and the gradient scaled by <see cref="Device.KernelCall.Scalar"/> in one launch: Inputs [logits of [rows, classes], labels], Outputs [loss, dlogits].</summary>
    public const string SoftmaxCrossEntropyFused = "softmax_cross_entropy_fused";

    /// <summary>Plain SGD in place: Inputs [gradient, hyperparameters], Outputs [parameter of [count]].</summary>
    public const string SgdUpdate = "sgd_update";

    /// <summary>Every SGD update of a step: Inputs [gradient arena, segments, hyperparameters], Outputs [parameter block], <see cref="SegmentAttributes"/>.</summary>
    public const string SgdUpdateMulti = "sgd_update_multi";

    /// <summary>SGD with momentum in place: Inputs [gradient, hyperparameters], Outputs [parameter of [count], accumulation].</summary>
    public const string MomentumUpdate = "momentum_update";

    /// <summary>Every momentum update of a step: Inputs [gradient arena, segments, hyperparameters], Outputs [parameter block, accumulation block], <see cref="SegmentAttributes"/>.</summary>
    public const string MomentumUpdateMulti = "momentum_update_multi";

    /// <summary>Adam in place: Inputs [gradient, β1 power, β2 power, hyperparameters], Outputs [parameter of [count], m, v].</summary>
    public const string AdamUpdate = "adam_update";

    /// <summary>Every Adam update of a step: Inputs [gradient arena, segments, β1 power, β2 power, hyperparameters], Outputs [parameter block, m block, v block], <see cref="SegmentAttributes"/>.</summary>
    public const string AdamUpdateMulti = "adam_update_multi";

    /// <summary>Advances Adam's β powers: Inputs [hyperparameters], Outputs [β1 power, β2 power].</summary>
    public const string AdamBetaPowers = "adam_beta_powers";

    /// <summary>uint8 pixels to normalised floats: Inputs [pixels], Outputs [y of [count]], <see cref="ImageNormalizeAttributes"/>.</summary>
    public const string ImageNormalize = "image_normalize";

    /// <summary>Rows whose first maximum logit is the label: Inputs [logits of [rows, classes], labels], Outputs [int32 count].</summary>
    public const string CountCorrect = "count_correct";

    /// <summary>y[i] = <see cref="Device.KernelCall.Scalar"/>: Outputs [y of [count]].</summary>
    public const string Fill = "fill";

    /// <summary>y[i] = a[i] + b[i]: Inputs [a, b], Outputs [y of [count]].</summary>
    public const string Add = "add";

    /// <summary>Every key above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Gemm, BiasAdd, Relu, ReluBackward, ColumnSum, Conv2d, Conv2dBackwardData, Conv2dBackwardFilter, MaxPool2d, MaxPool2dBackward,
        ChannelBiasAdd, ChannelSum, SoftmaxCrossEntropy, SoftmaxCrossEntropyBackward, SoftmaxCrossEntropyFused, SgdUpdate, SgdUpdateMulti,
        MomentumUpdate, MomentumUpdateMulti, AdamUpdate, AdamUpdateMulti, AdamBetaPowers, ImageNormalize, CountCorrect, Fill, Add,
    ];
}
