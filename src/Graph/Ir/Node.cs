namespace Trainer.Graph.Ir;

/// <summary>
/// An operation in the graph: its op, the values it reads (data edges), the nodes it must run
/// after (control edges: Depend and write-after-read ordering), and the types of its outputs.
/// </summary>
public sealed class Node
{
    internal Node(int id, Op op, IEnumerable<Value> inputs, TensorType[] outputs)
    {
        Id = id;
        Op = op;
        Inputs = inputs.ToList();
        Outputs = outputs;
    }

    public int Id { get; }
    public Op Op { get; internal set; }
    public List<Value> Inputs { get; }
    public List<Node> ControlInputs { get; } = [];
    public TensorType[] Outputs { get; internal set; }

    /// <summary>For nodes made by fusion: the ids of the nodes it replaced, for printing.</summary>
    public List<int> FusedFrom { get; } = [];

    public TensorType Type => Outputs.Length > 0
        ? Outputs[0]
        : throw new InvalidOperationException($"%{Id} {Op} has no outputs");

    public override string ToString() => $"%{Id} {Op}";
}
