using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Device;

/// <summary>
/// Registers a backend's <see cref="ILayerKernels"/> in its <see cref="KernelTable"/> under <see cref="KernelKeys"/>. Each
/// entry reads the buffers, shapes and attributes of its <see cref="KernelCall"/> (casting and checking them) when the op
/// is bound, and returns a launch that makes exactly the call the interface method used to get, so a launch does no
/// work it did not do before. The kernels count their own launches.
/// </summary>
internal static class LayerKernelEntries
{
    public static void Register(KernelTable table, ILayerKernels k)
    {
        void Add(string key, Func<KernelCall, Action> bind) => table.RegisterCountingItself(key, bind);

        Add(KernelKeys.Gemm, call =>
        {
            var at = call.AttributesAs<GemmAttributes>(KernelKeys.Gemm);
            DeviceBuffer a = call.Inputs[0], b = call.Inputs[1], c = call.Outputs[0];
            DeviceBuffer? bias = at.Bias, mask = at.Mask;
            var (shape, epilogue) = (at.Shape, at.Epilogue);
            k.PrepareGemm(shape);
            return () => k.Gemm(a, b, c, shape, epilogue, bias, mask);
        });
        Add(KernelKeys.BiasAdd, call =>
        {
            DeviceBuffer x = call.Inputs[0], bias = call.Inputs[1], y = call.Outputs[0];
            var (rows, columns) = Matrix(call.InputShapes[0], KernelKeys.BiasAdd);
            return () => k.BiasAdd(x, bias, y, rows, columns);
        });
        Add(KernelKeys.Relu, call =>
        {
            DeviceBuffer x = call.Inputs[0], y = call.Outputs[0];
            int count = Count(call);
            return () => k.Relu(x, y, count);
        });
        Add(KernelKeys.ReluBackward, call =>
        {
            DeviceBuffer dy = call.Inputs[0], y = call.Inputs[1], dx = call.Outputs[0];
            int count = Count(call);
            return () => k.ReluBackward(dy, y, dx, count);
        });
        Add(KernelKeys.ColumnSum, call =>
        {
            DeviceBuffer x = call.Inputs[0], sum = call.Outputs[0];
            var (rows, columns) = Matrix(call.InputShapes[0], KernelKeys.ColumnSum);
            return () => k.ColumnSum(x, sum, rows, columns);
        });
        Add(KernelKeys.Conv2d, call =>
        {
            var at = call.AttributesAs<ConvolutionAttributes>(KernelKeys.Conv2d);
            DeviceBuffer x = call.Inputs[0], w = call.Inputs[1], y = call.Outputs[0];
            DeviceBuffer? bias = at.Bias, workspace = at.Workspace;
            var (shape, epilogue) = (at.Shape, at.Epilogue);
            return () => k.Conv2d(x, w, bias, y, shape, epilogue, workspace);
        });
        Add(KernelKeys.Conv2dBackwardData, call =>
        {
            var at = call.AttributesAs<ConvolutionAttributes>(KernelKeys.Conv2dBackwardData);
            DeviceBuffer dy = call.Inputs[0], w = call.Inputs[1], dx = call.Outputs[0];
            DeviceBuffer? workspace = at.Workspace;
            var shape = at.Shape;
            return () => k.Conv2dBackwardData(dy, w, dx, shape, workspace);
        });
        Add(KernelKeys.Conv2dBackwardFilter, call =>
        {
            var at = call.AttributesAs<ConvolutionAttributes>(KernelKeys.Conv2dBackwardFilter);
            DeviceBuffer x = call.Inputs[0], dy = call.Inputs[1], dw = call.Outputs[0];
            DeviceBuffer? workspace = at.Workspace;
            var shape = at.Shape;
            return () => k.Conv2dBackwardFilter(x, dy, dw, shape, workspace);
        });
        Add(KernelKeys.MaxPool2d, call =>
        {
            var shape = call.AttributesAs<PoolingAttributes>(KernelKeys.MaxPool2d).Shape;
            DeviceBuffer x = call.Inputs[0], y = call.Outputs[0];
            return () => k.MaxPool2d(x, y, shape);
        });
        Add(KernelKeys.MaxPool2dBackward, call =>
        {
            var at = call.AttributesAs<PoolingAttributes>(KernelKeys.MaxPool2dBackward);
            DeviceBuffer x = call.Inputs[0], dy = call.Inputs[1], dx = call.Outputs[0];
            var (shape, reluMask) = (at.Shape, at.ReluMask);
            return () => k.MaxPool2dBackward(x, dy, dx, shape, reluMask);
        });
        Add(KernelKeys.ChannelBiasAdd, call =>
        {
            DeviceBuffer x = call.Inputs[0], bias = call.Inputs[1], y = call.Outputs[0];
            var (outer, channels, inner) = Channels(call.InputShapes[0], KernelKeys.ChannelBiasAdd);
            return () => k.ChannelBiasAdd(x, bias, y, outer, channels, inner);
        });
        Add(KernelKeys.ChannelSum, call =>
        {
            DeviceBuffer x = call.Inputs[0], sum = call.Outputs[0];
            var (outer, channels, inner) = Channels(call.InputShapes[0], KernelKeys.ChannelSum);
            return () => k.ChannelSum(x, sum, outer, channels, inner);
        });
        Add(KernelKeys.SoftmaxCrossEntropy, call =>
        {
            DeviceBuffer logits = call.Inputs[0], labels = call.Inputs[1], loss = call.Outputs[0];
            var (rows, classes) = Matrix(call.InputShapes[0], KernelKeys.SoftmaxCrossEntropy);
            return () => k.SoftmaxCrossEntropy(logits, labels, loss, rows, classes);
        });
        Add(KernelKeys.SoftmaxCrossEntropyBackward, call =>
        {
            DeviceBuffer logits = call.Inputs[0], labels = call.Inputs[1], dloss = call.Inputs[2], dlogits = call.Outputs[0];
            var (rows, classes) = Matrix(call.InputShapes[0], KernelKeys.SoftmaxCrossEntropyBackward);
            return () => k.SoftmaxCrossEntropyBackward(logits, labels, dloss, dlogits, rows, classes);
        });
        Add(KernelKeys.SoftmaxCrossEntropyFused, call =>
        {
            DeviceBuffer logits = call.Inputs[0], labels = call.Inputs[1], loss = call.Outputs[0], dlogits = call.Outputs[1];
            var (rows, classes) = Matrix(call.InputShapes[0], KernelKeys.SoftmaxCrossEntropyFused);
            float dloss = call.Scalar;
            return () => k.SoftmaxCrossEntropyFused(logits, labels, loss, dlogits, rows, classes, dloss);
        });
        Add(KernelKeys.SgdUpdate, call =>
        {
            DeviceBuffer g = call.Inputs[0], h = call.Inputs[1], p = call.Outputs[0];
            int count = Count(call);
            return () => k.SgdUpdate(p, g, count, h);
        });
        Add(KernelKeys.SgdUpdateMulti, call =>
        {
            var at = call.AttributesAs<SegmentAttributes>(KernelKeys.SgdUpdateMulti);
            DeviceBuffer g = call.Inputs[0], segments = call.Inputs[1], h = call.Inputs[2], p = call.Outputs[0];
            var (n, total) = (at.SegmentCount, at.TotalElements);
            return () => k.SgdUpdateMulti(p, g, segments, n, total, h);
        });
        Add(KernelKeys.MomentumUpdate, call =>
        {
            DeviceBuffer g = call.Inputs[0], h = call.Inputs[1], p = call.Outputs[0], a = call.Outputs[1];
            int count = Count(call);
            return () => k.MomentumUpdate(p, a, g, count, h);
        });
        Add(KernelKeys.MomentumUpdateMulti, call =>
        {
            var at = call.AttributesAs<SegmentAttributes>(KernelKeys.MomentumUpdateMulti);
            DeviceBuffer g = call.Inputs[0], segments = call.Inputs[1], h = call.Inputs[2], p = call.Outputs[0], a = call.Outputs[1];
            var (n, total) = (at.SegmentCount, at.TotalElements);
            return () => k.MomentumUpdateMulti(p, a, g, segments, n, total, h);
        });
        Add(KernelKeys.AdamUpdate, call =>
        {
            DeviceBuffer g = call.Inputs[0], b1 = call.Inputs[1], b2 = call.Inputs[2], h = call.Inputs[3];
            DeviceBuffer p = call.Outputs[0], m = call.Outputs[1], v = call.Outputs[2];
            int count = Count(call);
            return () => k.AdamUpdate(p, m, v, g, b1, b2, count, h);
        });
        Add(KernelKeys.AdamUpdateMulti, call =>
        {
            var at = call.AttributesAs<SegmentAttributes>(KernelKeys.AdamUpdateMulti);
            DeviceBuffer g = call.Inputs[0], segments = call.Inputs[1], b1 = call.Inputs[2], b2 = call.Inputs[3], h = call.Inputs[4];
            DeviceBuffer p = call.Outputs[0], m = call.Outputs[1], v = call.Outputs[2];
            var (n, total) = (at.SegmentCount, at.TotalElements);
            return () => k.AdamUpdateMulti(p, m, v, g, segments, b1, b2, n, total, h);
        });
        Add(KernelKeys.AdamBetaPowers, call =>
        {
            DeviceBuffer h = call.Inputs[0], b1 = call.Outputs[0], b2 = call.Outputs[1];
            return () => k.AdamBetaPowers(b1, b2, h);
        });
        Add(KernelKeys.ImageNormalize, call =>
        {
            var at = call.AttributesAs<ImageNormalizeAttributes>(KernelKeys.ImageNormalize);
            DeviceBuffer pixels = call.Inputs[0], y = call.Outputs[0];
            int count = Count(call);
            var (scale, shift, mean, std) = (at.Scale, at.Shift, at.Mean, at.Std);
            return () => k.ImageNormalize(pixels, y, count, scale, shift, mean, std);
        });
        Add(KernelKeys.CountCorrect, call =>
        {
            DeviceBuffer logits = call.Inputs[0], labels = call.Inputs[1], count = call.Outputs[0];
            var (rows, classes) = Matrix(call.InputShapes[0], KernelKeys.CountCorrect);
            return () => k.CountCorrect(logits, labels, count, rows, classes);
        });
        Add(KernelKeys.Fill, call =>
        {
            DeviceBuffer y = call.Outputs[0];
            int count = Count(call);
            float value = call.Scalar;
            return () => k.Fill(y, count, value);
        });
        Add(KernelKeys.Add, call =>
        {
            DeviceBuffer a = call.Inputs[0], b = call.Inputs[1], y = call.Outputs[0];
            int count = Count(call);
            return () => k.Add(a, b, y, count);
        });
    }

    /// <summary>The first output's element count, as the int the kernels take.</summary>
    private static int Count(KernelCall call) => checked((int)KernelCall.ElementCount(call.OutputShapes[0]));

    private static (int Rows, int Columns) Matrix(int[] shape, string key) =>
        shape.Length == 2 ? (shape[0], shape[1]) : throw new ArgumentException($"kernel '{key}' takes a [rows, columns] input, got [{string.Join(", ", shape)}]");

    private static (int Outer, int Channels, int Inner) Channels(int[] shape, string key) =>
        shape.Length == 3 ? (shape[0], shape[1], shape[2])
            : throw new ArgumentException($"kernel '{key}' takes an [outer, channels, inner] input, got [{string.Join(", ", shape)}]");
}
