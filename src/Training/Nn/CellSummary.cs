using System.Globalization;
using System.Text;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Training.Execution;

namespace Trainer.Training.Nn;

/// <summary>
/// A network's layers as torchinfo's and Keras's <c>summary</c> list them: every cell call of one
/// forward pass in call order, with its output shape, its parameter count and the floating-point
/// operations it performs (<see cref="OpDefinition.Flops"/>: a multiply-add counts two). The pass is
/// traced on symbolic tensors, so no device is opened and nothing is computed.
/// </summary>
public sealed class CellSummary
{
    private CellSummary(int[] inputShape, IReadOnlyList<CellSummaryRow> rows, long parameters)
    {
        InputShape = inputShape;
        Rows = rows;
        TotalParameters = parameters;
    }

    /// <summary>The input shape the forward pass was traced with, batch first.</summary>
    public int[] InputShape { get; }

    /// <summary>One row per cell call, the network itself first (depth 0).</summary>
    public IReadOnlyList<CellSummaryRow> Rows { get; }

    /// <summary>Elements of every parameter of the network, each counted once.</summary>
    public long TotalParameters { get; }

    /// <summary>The forward pass's floating-point operations (the network's own row), or null where an op defines no count.</summary>
    public long? TotalFlops => Rows[0].Flops;

    /// <summary>Traces one forward pass of <paramref name="network"/> on a float32 input of <paramref name="inputShape"/> and summarises it.</summary>
    /// <exception cref="ArgumentException">The shape is empty or has a dimension below 1.</exception>
    /// <exception cref="Graph.GraphCompileException">The network's ops do not accept the shape (the message names the op and the shapes).</exception>
    public static CellSummary Create(Cell network, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"input shape [{string.Join(",", inputShape)}] must have at least one dimension, each at least 1", nameof(inputShape));
        var tracer = new Tracer($"{network.GetType().Name} summary");
        var x = tracer.AddInput("x", TensorType.Float(inputShape));
        List<CellCall> calls;
        using (var recorder = new CellCallRecorder(() => tracer.Graph.Nodes.Count))
        using (tracer.Activate()) // ops on parameters alone (a BatchNorm's scale from gamma) join the trace
        {
            network.Call(x);
            calls = recorder.Calls;
        }

        var names = new Dictionary<Cell, string>(ReferenceEqualityComparer.Instance);
        NameTree(network, "", names);
        var counted = new HashSet<Cell>(ReferenceEqualityComparer.Instance);
        var rows = calls.Select(call => new CellSummaryRow(
            names.GetValueOrDefault(call.Cell, "-"), call.Cell.GetType().Name, call.Depth, call.Output?.Type.Shape ?? [],
            ParametersAtCall(call.Cell, counted),
            Flops(tracer.Graph, call.FirstNode, call.LastNode))).ToList();
        return new CellSummary(inputShape, rows, ParameterCount(network));
    }

    /// <summary>The table: one row per call, indented by depth, then the totals.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        const int nameWidth = 40, shapeWidth = 20, numberWidth = 14;
        var text = new StringBuilder();
        string rule = new('=', nameWidth + shapeWidth + 2 * numberWidth);
        text.AppendLine(c, $"{"Layer (type)",-nameWidth}{"Output shape",-shapeWidth}{"Param #",numberWidth}{"FLOPs",numberWidth}");
        text.AppendLine(rule);
        foreach (var row in Rows)
        {
            string layer = new string(' ', 2 * row.Depth) + (row.Depth == 0 ? row.Type : $"{row.Name} ({row.Type})");
            string parameters = row.Parameters is { } p ? p.ToString("N0", c) : "(shared)";
            string flops = row.Flops is { } f ? f.ToString("N0", c) : "?";
            text.AppendLine(c, $"{layer,-nameWidth}{Shape(row.OutputShape),-shapeWidth}{parameters,numberWidth}{flops,numberWidth}");
        }
        text.AppendLine(rule);
        text.AppendLine(c, $"Input shape: {Shape(InputShape)} float32");
        text.AppendLine(c, $"Total params: {TotalParameters.ToString("N0", c)} ({(TotalParameters * sizeof(float) / 1024.0).ToString("F1", c)} KiB as float32)");
        text.AppendLine(c, $"Forward FLOPs: {(TotalFlops is { } total ? total.ToString("N0", c) : "? (an op defines no count)")} for a batch of {InputShape[0]}");
        return text.ToString();
    }

    private static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static void NameTree(Cell cell, string path, Dictionary<Cell, string> names)
    {
        names.TryAdd(cell, path);
        foreach (var (name, child) in cell.NameCells())
            NameTree(child, path.Length == 0 ? name : path + "." + name, names);
    }

    /// <summary>The cell's parameter count at its first call; at a later call 0 if it has none, else null (counted already).</summary>
    private static long? ParametersAtCall(Cell cell, HashSet<Cell> counted)
    {
        long count = ParameterCount(cell);
        return counted.Add(cell) || count == 0 ? count : null;
    }

    private static long ParameterCount(Cell cell) => cell.NamedParameters().Sum(p => p.Parameter.Type.ElementCount);

    /// <summary>The operations of nodes [first, last) of <paramref name="graph"/>; null when one of them defines no count.</summary>
    private static long? Flops(Graph.Ir.Graph graph, int first, int last)
    {
        long total = 0;
        for (int i = first; i < last; i++)
        {
            var node = graph.Nodes[i];
            var flops = OpRegistry.Get(node.Op).Flops(node.Op, node.Inputs.Select(v => v.Type).ToList());
            if (flops is null) return null;
            total += flops.Value;
        }
        return total;
    }
}
