using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Graph.Ops.Primitives;

namespace Trainer.Graph.Tests.Ops.Primitives;

/// <summary>The fused batch normalisation ops' type rules: their outputs, and a one-line error naming the op and the inputs for each bad input.</summary>
public class BatchNormTrainingOpTests
{
    private static readonly Op Forward = Op.Extension(BatchNormTrainingOp.Instance, new BatchNormAttributes(1e-5f));
    private static readonly Op Backward = Op.Extension(BatchNormTrainingGradOp.Instance, new BatchNormAttributes(1e-5f));

    private static string Error(Op op, params TensorType[] inputs) =>
        Assert.Throws<OpShapeException>(() => op.Definition!.InferTypes(op, inputs)).Message;

    [Theory]
    [InlineData(new[] { 7, 65, 3, 5 })]
    [InlineData(new[] { 63, 65 })]
    [InlineData(new[] { 1, 7, 1, 1 })]
    public void Both_ops_give_x_and_two_per_channel_outputs(int[] shape)
    {
        var x = TensorType.Float(shape);
        var column = TensorType.Float(shape[1]);
        Assert.Equal([x, column, column], Forward.Definition!.InferTypes(Forward, [x, column, column]));
        Assert.Equal([x, column, column], Backward.Definition!.InferTypes(Backward, [x, column, column, x, column, column, column]));
    }

    [Fact]
    public void Bad_inputs_are_refused_naming_what_was_expected()
    {
        var x = TensorType.Float(7, 3, 5, 5);
        var c = TensorType.Float(3);
        Assert.Equal("BatchNormTraining[eps=1E-05]: input 0 must have rank 2 or more, [N, C, ...] (inputs: [7] float32, [3] float32, [3] float32)",
            Error(Forward, TensorType.Float(7), c, c));
        Assert.Equal("BatchNormTraining[eps=1E-05]: input 1 (gamma) must be float32 [3], one value per channel of input 0 (inputs: [7,3,5,5] float32, [4] float32, [3] float32)",
            Error(Forward, x, TensorType.Float(4), c));
        Assert.Equal("BatchNormTraining[eps=1E-05]: input 0 must be float32 (inputs: [7,3,5,5] int32, [3] float32, [3] float32)",
            Error(Forward, TensorType.Int(7, 3, 5, 5), c, c));
        Assert.Equal("BatchNormTraining[eps=1E-05]: input 0 must not be empty (inputs: [0,3] float32, [3] float32, [3] float32)",
            Error(Forward, TensorType.Float(0, 3), c, c));
        var zeroEps = Op.Extension(BatchNormTrainingOp.Instance, new BatchNormAttributes(0f));
        Assert.Equal("BatchNormTraining[eps=0]: eps 0 must be positive and finite (inputs: [7,3,5,5] float32, [3] float32, [3] float32)",
            Error(zeroEps, x, c, c));
        Assert.Equal("BatchNormTrainingGrad[eps=1E-05]: input 0 (dy) must have the type of input 3 (x) (inputs: [7,3,5,4] float32, [3] float32, [3] float32, [7,3,5,5] float32, [3] float32, [3] float32, [3] float32)",
            Error(Backward, TensorType.Float(7, 3, 5, 4), c, c, x, c, c, c));
        Assert.Equal("BatchNormTrainingGrad[eps=1E-05]: input 6 (var) must be float32 [3], one value per channel of input 3 (inputs: [7,3,5,5] float32, [3] float32, [3] float32, [7,3,5,5] float32, [3] float32, [3] float32, [2] float32)",
            Error(Backward, x, c, c, x, c, c, TensorType.Float(2)));
    }
}
