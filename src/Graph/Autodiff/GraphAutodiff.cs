using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Graph.Autodiff;

/// <summary>Differentiates a traced graph by adding gradient nodes to it.</summary>
public static class GraphAutodiff
{
    /// <summary>Adds to <paramref name="graph"/> the nodes computing d<paramref name="loss"/>/d<c>w</c> for each node in <paramref name="wrt"/>, and returns them in that order.</summary>
    public static Node[] Gradients(Ir.Graph graph, Node loss, IReadOnlyList<Node> wrt)
    {
        var tape = graph.Nodes
            .Where(n => n.Outputs.Length == 1 && n.Op.Kind is not (OpKind.Input or OpKind.Parameter))
            .Select(n => new TapeEntry<Node>(n.Op, n.Inputs.Select(v => v.Node).ToArray(), n))
            .ToList();
        return ReverseMode.Gradients(new Builder(graph), tape, loss, wrt);
    }

    private sealed class Builder(Ir.Graph graph) : IOpBuilder<Node>
    {
        public Node Apply(Op op, params Node[] inputs) => graph.Add(op, inputs.Select(n => (Value)n).ToArray());

        public TensorType TypeOf(Node value) => value.Type;
    }
}
