using Trainer.Graph;
using Trainer.Training;
using Trainer.Training.Loops;
using Trainer.Training.Nn;

namespace Trainer.Training.Tests.Nn;

/// <summary><see cref="CellSummary"/>'s shapes, parameter counts and FLOPs against closed forms computed here, layer by layer.</summary>
public sealed class CellSummaryTests
{
    /// <summary>A conv layer's forward FLOPs: two per multiply-add over C·K·K taps, plus one per output for the bias.</summary>
    private static long ConvFlops(int n, int o, int oh, int ow, int c, int k, bool bias) => (long)n * o * oh * ow * (2L * c * k * k + (bias ? 1 : 0));

    private static long DenseFlops(int n, int inputs, int outputs, bool bias) => (long)n * outputs * (2L * inputs + (bias ? 1 : 0));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65)]
    public void LeNet_rows_match_the_closed_forms(int n)
    {
        GlobalSeed.Set(0);
        var network = new LeNet5();
        var summary = CellSummary.Create(network, n, 1, 28, 28);
        var rows = summary.Rows;
        Assert.Equal(["", "conv1", "relu", "max_pool2d", "conv2", "relu", "max_pool2d", "flatten", "fc1", "relu", "fc2", "relu", "fc3"], rows.Select(r => r.Name));
        Assert.Equal(0, rows[0].Depth);
        Assert.All(rows.Skip(1), r => Assert.Equal(1, r.Depth));

        Assert.Equal([n, 6, 28, 28], rows[1].OutputShape);
        Assert.Equal([n, 6, 14, 14], rows[3].OutputShape);
        Assert.Equal([n, 16, 10, 10], rows[4].OutputShape);
        Assert.Equal([n, 400], rows[7].OutputShape);
        Assert.Equal([n, 10], rows[0].OutputShape);

        Assert.Equal(6 * 25 + 6, rows[1].Parameters);
        Assert.Equal(16 * 6 * 25 + 16, rows[4].Parameters);
        Assert.Equal(400 * 120 + 120, rows[8].Parameters);
        Assert.Equal(0, rows[5].Parameters); // the ReLU again: no parameters, so 0 rather than "counted already"
        long expectedTotal = 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10;
        Assert.Equal(expectedTotal, summary.TotalParameters);
        Assert.Equal(expectedTotal, network.NamedParameters().Sum(p => p.Parameter.Type.ElementCount));

        long conv1 = ConvFlops(n, 6, 28, 28, 1, 5, bias: true), conv2 = ConvFlops(n, 16, 10, 10, 6, 5, bias: true);
        Assert.Equal(conv1, rows[1].Flops);
        Assert.Equal((long)n * 6 * 28 * 28, rows[2].Flops);
        Assert.Equal((long)n * 6 * 14 * 14 * 3, rows[3].Flops); // 3 comparisons per 2x2 window
        Assert.Equal(conv2, rows[4].Flops);
        Assert.Equal(0, rows[7].Flops);
        Assert.Equal(DenseFlops(n, 400, 120, bias: true), rows[8].Flops);
        long expected = conv1 + n * 6 * 28 * 28 + n * 6 * 14 * 14 * 3 + conv2 + n * 16 * 10 * 10 + n * 16 * 5 * 5 * 3
                        + DenseFlops(n, 400, 120, true) + n * 120 + DenseFlops(n, 120, 84, true) + n * 84 + DenseFlops(n, 84, 10, true);
        Assert.Equal(expected, summary.TotalFlops);
        Assert.Equal(summary.TotalFlops, rows.Skip(1).Sum(r => r.Flops));
    }

    [Fact]
    public void Nested_cells_are_rows_at_their_depth_with_their_subtree_totals()
    {
        GlobalSeed.Set(0);
        var summary = CellSummary.Create(new MnistNetwork(), 257, 1, 28, 28);
        var rows = summary.Rows;
        Assert.Equal(["", "flatten", "dense_relu_sequential", "dense_relu_sequential.0", "dense_relu_sequential.1", "dense_relu_sequential.2",
            "dense_relu_sequential.3", "dense_relu_sequential.4"], rows.Select(r => r.Name));
        Assert.Equal([0, 1, 1, 2, 2, 2, 2, 2], rows.Select(r => r.Depth));
        Assert.Equal([257, 784], rows[1].OutputShape);
        Assert.Equal(rows.Skip(3).Sum(r => r.Parameters), rows[2].Parameters);
        Assert.Equal(rows.Skip(3).Sum(r => r.Flops), rows[2].Flops);
        Assert.Equal(DenseFlops(257, 784, 512, true) + 257 * 512 + DenseFlops(257, 512, 512, true) + 257 * 512 + DenseFlops(257, 512, 10, true), summary.TotalFlops);
        Assert.Equal(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10, summary.TotalParameters);
    }

    /// <summary>A cell used inside another without being registered has no name in the tree.</summary>
    private sealed class Unregistered : Cell
    {
        private readonly Dense dense = new(3, 2, hasBias: false);

        public override Tensor Construct(Tensor x) => dense.Call(x);
    }

    [Fact]
    public void An_unregistered_cell_is_named_by_a_dash_and_its_parameters_still_count_once()
    {
        GlobalSeed.Set(0);
        var summary = CellSummary.Create(new Unregistered(), 7, 3);
        Assert.Equal("-", summary.Rows[1].Name);
        Assert.Equal(6, summary.Rows[1].Parameters);
        Assert.Equal(DenseFlops(7, 3, 2, bias: false), summary.TotalFlops);
        Assert.Contains("  - (Dense)", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_the_network_cannot_take_is_an_error_naming_the_op_and_shapes()
    {
        GlobalSeed.Set(0);
        var e = Assert.Throws<GraphCompileException>(() => CellSummary.Create(new Dense(5, 2), 3, 4));
        Assert.Contains("MatMul", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[3,4]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CellSummary.Create(new Dense(5, 2)));
        Assert.Throws<ArgumentException>(() => CellSummary.Create(new Dense(5, 2), 0, 5));
    }

    [Fact]
    public void The_table_prints_every_row_and_the_totals()
    {
        GlobalSeed.Set(0);
        string text = CellSummary.Create(new LeNet5(), 1, 1, 28, 28).ToString();
        Assert.Contains("  conv1 (Conv2d)", text, StringComparison.Ordinal);
        Assert.Contains("[1, 16, 10, 10]", text, StringComparison.Ordinal);
        Assert.Contains("Total params: 61,706 (", text, StringComparison.Ordinal);
        Assert.Contains("Forward FLOPs: 850,794 for a batch of 1", text, StringComparison.Ordinal);
    }
}
