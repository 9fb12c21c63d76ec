using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels;

/// <summary>
/// Typed one-off launches of the <see cref="KernelKeys"/> kernels, with the signatures the interface methods had: each
/// builds the <see cref="KernelCall"/>, binds it in the backend's <see cref="IKernelBackend.Kernels"/> and launches it
/// once. For the self-test, the kernel tests and benchmarks, which launch a kernel once per call; the graph's ops bind
/// through the table themselves, once, and launch many times.
/// </summary>
internal static class KernelLaunchers
{
    private static void Launch(IKernelBackend backend, string key, KernelCall call) => backend.Kernels.Bind(key, call)();

    private static KernelCall Call(DeviceBuffer[] inputs, int[][] inputShapes, DeviceBuffer[] outputs, int[][] outputShapes) =>
        new(inputs, inputShapes, outputs, outputShapes);

    private static int[][] CountShape(int count) => [[count]];

    public static void Gemm(this IKernelBackend backend, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask) =>
        Launch(backend, KernelKeys.Gemm, Call([a, b], [], [c], []) with { Attributes = new GemmAttributes(shape, epilogue, bias, mask) });

    public static void BiasAdd(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns) =>
        Launch(backend, KernelKeys.BiasAdd, Call([x, bias], [[rows, columns], [columns]], [y], [[rows, columns]]));

    public static void Relu(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer y, int count) =>
        Launch(backend, KernelKeys.Relu, Call([x], CountShape(count), [y], CountShape(count)));

    public static void ReluBackward(this IKernelBackend backend, DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count) =>
        Launch(backend, KernelKeys.ReluBackward, Call([dy, y], [[count], [count]], [dx], CountShape(count)));

    public static void ColumnSum(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer sum, int rows, int columns) =>
        Launch(backend, KernelKeys.ColumnSum, Call([x], [[rows, columns]], [sum], [[columns]]));

    public static void Conv2d(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, Conv2dShape shape, GemmEpilogue epilogue, DeviceBuffer? workspace) =>
        Launch(backend, KernelKeys.Conv2d, Call([x, weight], [], [y], []) with { Attributes = new ConvolutionAttributes(shape, epilogue, bias, workspace) });

    public static void Conv2dBackwardData(this IKernelBackend backend, DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape, DeviceBuffer? workspace) =>
        Launch(backend, KernelKeys.Conv2dBackwardData, Call([dy, weight], [], [dx], []) with { Attributes = new ConvolutionAttributes(shape, GemmEpilogue.None, null, workspace) });

    public static void Conv2dBackwardFilter(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape, DeviceBuffer? workspace) =>
        Launch(backend, KernelKeys.Conv2dBackwardFilter, Call([x, dy], [], [dw], []) with { Attributes = new ConvolutionAttributes(shape, GemmEpilogue.None, null, workspace) });

    public static void MaxPool2d(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer y, Pool2dShape shape) =>
        Launch(backend, KernelKeys.MaxPool2d, Call([x], [], [y], []) with { Attributes = new PoolingAttributes(shape) });

    public static void MaxPool2dBackward(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape, bool reluMask = false) =>
        Launch(backend, KernelKeys.MaxPool2dBackward, Call([x, dy], [], [dx], []) with { Attributes = new PoolingAttributes(shape, reluMask) });

    public static void ChannelBiasAdd(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int outer, int channels, int inner) =>
        Launch(backend, KernelKeys.ChannelBiasAdd, Call([x, bias], [[outer, channels, inner], [channels]], [y], [[outer, channels, inner]]));

    public static void ChannelSum(this IKernelBackend backend, DeviceBuffer x, DeviceBuffer sum, int outer, int channels, int inner) =>
        Launch(backend, KernelKeys.ChannelSum, Call([x], [[outer, channels, inner]], [sum], [[channels]]));

    public static void SoftmaxCrossEntropy(this IKernelBackend backend, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes) =>
        Launch(backend, KernelKeys.SoftmaxCrossEntropy, Call([logits, labels], [[rows, classes], [rows]], [loss], [[]]));

    public static void SoftmaxCrossEntropyBackward(this IKernelBackend backend, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes) =>
        Launch(backend, KernelKeys.SoftmaxCrossEntropyBackward, Call([logits, labels, dloss], [[rows, classes], [rows], []], [dlogits], [[rows, classes]]));

    public static void SoftmaxCrossEntropyFused(this IKernelBackend backend, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss) =>
        Launch(backend, KernelKeys.SoftmaxCrossEntropyFused, Call([logits, labels], [[rows, classes], [rows]], [loss, dlogits], [[], [rows, classes]]) with { Scalar = dloss });

    public static void SgdUpdate(this IKernelBackend backend, DeviceBuffer parameter, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.SgdUpdate, Call([gradient, hyperparameters], [], [parameter], CountShape(count)));

    public static void SgdUpdateMulti(this IKernelBackend backend, DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.SgdUpdateMulti, Call([gradientArena, segments, hyperparameters], [], [parameterBlock], [])
            with { Attributes = new SegmentAttributes(segmentCount, totalElements) });

    public static void MomentumUpdate(this IKernelBackend backend, DeviceBuffer parameter, DeviceBuffer accumulation, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.MomentumUpdate, Call([gradient, hyperparameters], [], [parameter, accumulation], [[count], [count]]));

    public static void MomentumUpdateMulti(this IKernelBackend backend, DeviceBuffer parameterBlock, DeviceBuffer accumulationBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.MomentumUpdateMulti, Call([gradientArena, segments, hyperparameters], [], [parameterBlock, accumulationBlock], [])
            with { Attributes = new SegmentAttributes(segmentCount, totalElements) });

    public static void AdamUpdate(this IKernelBackend backend, DeviceBuffer parameter, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradient, DeviceBuffer beta1Power, DeviceBuffer beta2Power,
        int count, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.AdamUpdate, Call([gradient, beta1Power, beta2Power, hyperparameters], [], [parameter, m, v], [[count], [count], [count]]));

    public static void AdamUpdateMulti(this IKernelBackend backend, DeviceBuffer parameterBlock, DeviceBuffer mBlock, DeviceBuffer vBlock, DeviceBuffer gradientArena, DeviceBuffer segments,
        DeviceBuffer beta1Power, DeviceBuffer beta2Power, int segmentCount, int totalElements, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.AdamUpdateMulti, Call([gradientArena, segments, beta1Power, beta2Power, hyperparameters], [], [parameterBlock, mBlock, vBlock], [])
            with { Attributes = new SegmentAttributes(segmentCount, totalElements) });

    public static void AdamBetaPowers(this IKernelBackend backend, DeviceBuffer beta1Power, DeviceBuffer beta2Power, DeviceBuffer hyperparameters) =>
        Launch(backend, KernelKeys.AdamBetaPowers, Call([hyperparameters], [], [beta1Power, beta2Power], [[], []]));

    public static void ImageNormalize(this IKernelBackend backend, DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std) =>
        Launch(backend, KernelKeys.ImageNormalize, Call([pixels], CountShape(count), [output], CountShape(count))
            with { Attributes = new ImageNormalizeAttributes(scale, shift, mean, std) });

    public static void CountCorrect(this IKernelBackend backend, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes) =>
        Launch(backend, KernelKeys.CountCorrect, Call([logits, labels], [[rows, classes], [rows]], [count], [[]]));

    public static void Fill(this IKernelBackend backend, DeviceBuffer y, int count, float value) =>
        Launch(backend, KernelKeys.Fill, Call([], [], [y], CountShape(count)) with { Scalar = value });

    public static void Add(this IKernelBackend backend, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count) =>
        Launch(backend, KernelKeys.Add, Call([a, b], [[count], [count]], [y], CountShape(count)));
}
