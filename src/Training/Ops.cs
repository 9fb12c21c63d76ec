using Trainer.Graph.Ir;
using Trainer.Training.Execution;

namespace Trainer.Training;

/// <summary>
/// The operations user code calls (MindSpore's <c>ops</c>). Each runs now in eager mode or adds a
/// node while a step is traced; which one is decided by the inputs, so model code never knows.
/// </summary>
public static partial class Ops
{
    internal static IExecutor ExecutorOf(IEnumerable<Tensor> inputs)
    {
        IExecutor? chosen = null;
        foreach (var t in inputs)
        {
            if (t.Tracer is not null) return t.Tracer;
            chosen ??= t.Eager;
        }
        return (IExecutor?)Tracer.Active ?? chosen ?? throw new InvalidOperationException("tensor has no device memory: place the model on a session first");
    }

    /// <summary>Any single-output op of the IR; the public methods below are the ones models use.</summary>
    internal static Tensor Apply(Op op, params Tensor[] inputs) => ExecutorOf(inputs).Apply(op, inputs);

    /// <summary>op(a)·op(b) for 2-D tensors.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) =>
        Apply(Graph.Ir.Op.MatMul(transposeA, transposeB), a, b);

    /// <summary>x [rows,n] + bias [n] broadcast over rows.</summary>
    public static Tensor BiasAdd(Tensor x, Tensor bias) => Apply(Graph.Ir.Op.Of(OpKind.BiasAdd), x, bias);

    /// <summary>
    /// <paramref name="bias"/> added along <paramref name="axis"/> of an N-D tensor (axis 1 of NCHW: one
    /// bias per channel), as a convolution's bias is; its gradient is the sum over every other axis.
    /// </summary>
    public static Tensor BiasAdd(Tensor x, Tensor bias, int axis) =>
        Apply(new Graph.Ir.Op { Kind = OpKind.BiasAdd, Attributes = new Graph.Ir.AxisAttributes(axis) }, x, bias);

    /// <summary>
    /// 2-D convolution of NCHW <paramref name="x"/> with OIHW <paramref name="weight"/> (dilation 1,
    /// groups 1, no bias: add one with <see cref="BiasAdd(Tensor, Tensor, int)"/> over axis 1).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0) =>
        Apply(new Graph.Ir.Op { Kind = OpKind.Conv2d, Attributes = new Graph.Ir.Conv2dAttributes(strideH, strideW, padH, padW) }, x, weight);

    /// <summary>2-D max pooling of NCHW <paramref name="x"/>, no padding; the stride defaults to the window.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernelH, int kernelW, int? strideH = null, int? strideW = null) =>
        Apply(new Graph.Ir.Op { Kind = OpKind.MaxPool2d, Attributes = new Graph.Ir.Pool2dAttributes(kernelH, kernelW, strideH ?? kernelH, strideW ?? kernelW) }, x);

    /// <summary>max(<paramref name="x"/>, 0) elementwise.</summary>
    public static Tensor Relu(Tensor x) => Apply(Graph.Ir.Op.Of(OpKind.Relu), x);

    /// <summary>The same elements with another shape; one dimension may be -1. Never copies.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => Apply(Graph.Ir.Op.Reshape(shape), x);

    /// <summary>Mean softmax cross-entropy of logits [B,C] against int32 labels [B]: a scalar.</summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels) =>
        Apply(Graph.Ir.Op.Of(OpKind.SoftmaxCrossEntropy), logits, labels);

    /// <summary>The number of rows whose argmax equals the label, as an int32 scalar.</summary>
    public static Tensor CountCorrect(Tensor logits, Tensor labels) => Apply(Graph.Ir.Op.Of(OpKind.CountCorrect), logits, labels);

    /// <summary>
    /// uint8 image bytes to normalised float32, on the device: y = (fl(x·scale + shift) − mean) / std in
    /// float32, the same operations as the host's Rescale then Normalize, so the same bits.
    /// </summary>
    public static Tensor ImageNormalize(Tensor pixels, float scale, float shift, float mean, float std) =>
        Apply(new Graph.Ir.Op { Kind = OpKind.ImageNormalize, Attributes = new Graph.Ir.NormalizeAttributes(scale, shift, mean, std) }, pixels);

    /// <summary>param ← param − lr·grad, in place, lr read from <paramref name="hyperparameters"/> (an <see cref="Optim.SGD"/>'s) when the update runs.</summary>
    public static Effect SgdUpdate(Parameter param, Tensor grad, Optim.HyperparameterBlock hyperparameters) =>
        ExecutorOf([grad, param]).ApplyEffect(Graph.Ir.Op.Sgd(), param, grad, hyperparameters);

    /// <summary>
    /// SGD with momentum, in place: accumulation ← accumulation·m + (grad + w·param), then param ← param − lr·accumulation,
    /// lr, m and w read from <paramref name="hyperparameters"/> (a <see cref="Optim.Momentum"/>'s) when the update runs.
    /// </summary>
    public static Effect MomentumUpdate(Parameter param, Parameter accumulation, Tensor grad, Optim.HyperparameterBlock hyperparameters) =>
        ExecutorOf([grad, param, accumulation]).ApplyEffect(Graph.Ir.Op.MomentumSgd(), param, accumulation, grad, hyperparameters);

    /// <summary>
    /// Adam (MindSpore's ApplyAdam), in place on param, m and v, reading the beta powers of the previous step and
    /// lr, β₁, β₂, ε and the weight decay from <paramref name="hyperparameters"/> (an <see cref="Optim.Adam"/>'s).
    /// </summary>
    public static Effect AdamUpdate(Parameter param, Parameter m, Parameter v, Tensor grad, Parameter beta1Power, Parameter beta2Power,
        Optim.HyperparameterBlock hyperparameters) =>
        ExecutorOf([grad, param]).ApplyEffect(Graph.Ir.Op.Adam(), param, m, v, grad, beta1Power, beta2Power, hyperparameters);

    /// <summary>
    /// Advances Adam's beta powers by one step, in place, after <paramref name="updates"/> (the step's
    /// Adam updates, which read them): in the executor that made those updates, so that while tracing
    /// it becomes a node of the traced step even though its inputs are all parameters.
    /// </summary>
    public static Effect AdamBetaPowers(Parameter beta1Power, Parameter beta2Power, Optim.HyperparameterBlock hyperparameters, Effect updates) =>
        (updates.Executor ?? ExecutorOf([beta1Power])).ApplyEffect(Graph.Ir.Op.BetaPowers(), beta1Power, beta2Power, hyperparameters);

    /// <summary>
    /// <paramref name="target"/> ← <paramref name="value"/> in place (MindSpore's <c>ops.assign</c>): how a
    /// cell's buffer (a running statistic, a step counter) changes in a step. Eagerly the copy happens
    /// now; while tracing it is a side-effect node that stays in the compiled step, ordered after every
    /// read of the target that came before it in the code and before every read that comes after it, so
    /// both modes see the same values. Never differentiated.
    /// </summary>
    /// <exception cref="Graph.GraphCompileException">The value's shape or dtype differs from the target's (the message names both).</exception>
    public static Effect Assign(Parameter target, Tensor value) =>
        ExecutorOf([value, target]).ApplyEffect(Graph.Ir.Op.Of(OpKind.Assign), target, value);

    /// <summary>
    /// <paramref name="value"/>, ordered after <paramref name="effects"/>: MindSpore's ops.depend. In
    /// graph mode this is the edge that keeps the optimizer's updates in the compiled step.
    /// </summary>
    public static Tensor Depend(Tensor value, params Effect[] effects) => ExecutorOf([value]).Depend(value, effects);
}
