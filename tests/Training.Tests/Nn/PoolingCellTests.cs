using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;
using Trainer.Training.Jit;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Nn;

/// <summary>The pooling cells and the grouped, dilated Conv2d: MindSpore's fields in the tree, shapes and FLOPs in the summary, bad settings refused in one line.</summary>
public sealed class PoolingCellTests
{
    [Fact]
    public void Cells_print_mindspore_fields()
    {
        GlobalSeed.Set(0);
        Assert.Equal("AvgPool2d<kernel_size=3, stride=2, pad_mode=PAD, padding=1, ceil_mode=True, count_include_pad=False>",
            new AvgPool2d(3, 2, padding: 1, ceilMode: true, countIncludePad: false).ToString());
        Assert.Equal("AvgPool2d<kernel_size=2, stride=2, pad_mode=VALID, padding=0, ceil_mode=False, count_include_pad=True>", new AvgPool2d(2).ToString());
        Assert.Equal("AdaptiveAvgPool2d<output_size=(1, 1)>", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("MaxPool2d<kernel_size=3, stride=2, pad_mode=PAD, padding=1, ceil_mode=True>", new MaxPool2d(3, 2, 1, ceilMode: true).ToString());
        Assert.Equal("MaxPool2d<kernel_size=2, stride=2, pad_mode=VALID>", new MaxPool2d(2).ToString());
        var depthwise = new Conv2d(8, 16, 3, stride: 1, padding: 2, dilation: 2, group: 8);
        Assert.Equal(
            "Conv2d<input_channels=8, output_channels=16, kernel_size=(3, 3), stride=(1, 1), pad_mode=pad, padding=2, dilation=(2, 2), " +
            "group=8, has_bias=False, weight_init=HeUniform, bias_init=None, format=NCHW>", depthwise.ToString());
        Assert.Equal([16, 1, 3, 3], depthwise.Weight.Type.Shape);
    }

    [Fact]
    public void The_summary_gives_shapes_and_flops_of_each_new_layer()
    {
        GlobalSeed.Set(0);
        var network = new SequentialCell(
            new Conv2d(3, 6, 3, stride: 1, padding: 1, dilation: 1, group: 3, hasBias: true),
            new MaxPool2d(3, 2, 1, ceilMode: true),
            new AvgPool2d(3, 2, padding: 1),
            new AdaptiveAvgPool2d(1));
        var summary = CellSummary.Create(network, 5, 3, 7, 65);
        var rows = summary.Rows.Skip(1).ToArray();
        Assert.Equal([5, 6, 7, 65], rows[0].OutputShape);
        Assert.Equal([5, 6, 4, 33], rows[1].OutputShape);
        Assert.Equal([5, 6, 2, 17], rows[2].OutputShape);
        Assert.Equal([5, 6, 1, 1], rows[3].OutputShape);
        // Convolution: 2 per tap of each output (1 channel per group x 3 x 3) plus the bias add.
        Assert.Equal(2L * 5 * 6 * 7 * 65 * 9 + 5 * 6 * 7 * 65, rows[0].Flops);
        Assert.Equal(5L * 6 * 4 * 33 * 9, rows[1].Flops);
        Assert.Equal(5L * 6 * 2 * 17 * 9, rows[2].Flops);
        Assert.Equal(5L * 6 * 2 * 17 + 5 * 6, rows[3].Flops);
    }

    /// <summary>The ops a network's forward pass traces to, by name: the tuned Conv2d and MaxPool2d print as their kinds.</summary>
    private static string[] TracedOps(Cell network, params int[] input)
    {
        using var function = new GraphFunction(null, "route", xs => [network.Call(xs[0])], ["x"]);
        var (graph, _, _, _) = function.Trace([TensorType.Float(input)]);
        return graph.Nodes.Where(n => n.Op.Kind is OpKind.Conv2d or OpKind.MaxPool2d or OpKind.Extension)
            .Select(n => n.Op.Kind == OpKind.Extension ? n.Op.Definition!.Name : n.Op.Kind.ToString()).ToArray();
    }

    [Fact]
    public void Layers_keep_the_tuned_ops_where_they_apply_and_take_the_general_ones_elsewhere()
    {
        GlobalSeed.Set(0);
        // groups 1 and dilation 1, and a max pooling without padding whose ceil mode adds no window (8 = 2·4): the tuned ops.
        Assert.Equal(["Conv2d", "MaxPool2d", "MaxPool2d"],
            TracedOps(new SequentialCell(new Conv2d(3, 4, 3, 1, 1, 1, 1), new MaxPool2d(2, 2, 0, ceilMode: true), new MaxPool2d(2)), 1, 3, 16, 16));
        Assert.Equal(["GroupedConv2d", "GroupedConv2d", "PaddedMaxPool2d", "PaddedMaxPool2d", "AvgPool2d", "AvgPool2d"],
            TracedOps(new SequentialCell(new Conv2d(4, 4, 3, 1, 1, 1, group: 4), new Conv2d(4, 4, 3, 1, 2, dilation: 2, group: 1),
                new MaxPool2d(3, 2, 0, ceilMode: true), new MaxPool2d(3, 1, 1), new AvgPool2d(2), new AdaptiveAvgPool2d(1)), 1, 4, 16, 16));
    }

    [Fact]
    public void Bad_settings_are_one_line_errors()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(6, 4, 3, 1, 0, 1, group: 4));
        Assert.Contains("Conv2d(6, 4, group 4): both channel counts must be divisible by the group count", e.Message);
        Assert.Contains("padding between 0 and half the kernel", Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(2, padding: 2)).Message);
        Assert.Contains("padding must be between 0 and half the kernel", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(3, 1, 2)).Message);
        Assert.Contains("the output size must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveAvgPool2d(0)).Message);
    }
}
