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

    /// <summary>The node's id, unique in its graph and printed as <c>%id</c>.</summary>
    public int Id { get; }
    /// <summary>What the node computes.</summary>
    public Op Op { get; internal set; }
    /// <summary>The values it reads (data edges), in the op's argument order.</summary>
    public List<Value> Inputs { get; }
    /// <summary>The nodes it must run after although it reads nothing from them (Depend, write-after-read ordering).</summary>
    public List<Node> ControlInputs { get; } = [];
    /// <summary>The types of its outputs; empty for effects that only write in place.</summary>
    public TensorType[] Outputs { get; internal set; }

    /// <summary>For nodes made by fusion: the ids of the nodes it replaced, for printing.</summary>
    public List<int> FusedFrom { get; } = [];

    /// <summary>The type of its only or first output; throws for a node without outputs.</summary>
    public TensorType Type => Outputs.Length > 0
        ? Outputs[0]
        : throw new InvalidOperationException($"%{Id} {Op} has no outputs");

    /// <c>%id Op[attrs]</c>, as error messages name the node.
    public override string ToString() => $"%{Id} {Op}";
}
