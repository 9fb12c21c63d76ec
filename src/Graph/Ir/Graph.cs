using Trainer.Graph.Ops;

namespace Trainer.Graph.Ir;

/// <summary>
/// A traced step: nodes in creation order (ids increase), and the named values it returns.
/// Inputs (the batch) and parameters (the weights) are nodes of kind Input and Parameter.
/// </summary>
public sealed class Graph
{
    private readonly List<Node> nodes = [];
    private int nextId;

    /// <summary>Every node, in the order they were added.</summary>
    public IReadOnlyList<Node> Nodes => nodes;

    /// <summary>The values the step returns, in order, with the names the printer and users see.</summary>
    public List<(string Name, Value Value)> Outputs { get; } = [];

    /// <summary>The step's input nodes (the batch), in order.</summary>
    public IEnumerable<Node> Inputs => nodes.Where(n => n.Op.Kind == OpKind.Input);
    /// <summary>The parameter nodes (weights the step reads and updates), in order.</summary>
    public IEnumerable<Node> Parameters => nodes.Where(n => n.Op.Kind == OpKind.Parameter);

    /// <summary>Adds a step input named <paramref name="name"/> of type <paramref name="type"/>.</summary>
    public Node AddInput(string name, TensorType type) =>
        Append(new Node(nextId++, new Op { Kind = OpKind.Input, Name = name, Shape = type.Shape }, [], [type]));

    /// <summary>Adds a parameter named <paramref name="name"/> (its checkpoint name) of type <paramref name="type"/>.</summary>
    public Node AddParameter(string name, TensorType type) =>
        Append(new Node(nextId++, new Op { Kind = OpKind.Parameter, Name = name, Shape = type.Shape }, [], [type]));

    /// <summary>Adds a node, inferring its output types from its op definition.</summary>
    public Node Add(Op op, params Value[] inputs)
    {
        var types = OpRegistry.Get(op).InferTypes(op, inputs.Select(v => v.Type).ToArray());
        return Append(new Node(nextId++, op, inputs, types));
    }

    private Node Append(Node node)
    {
        nodes.Add(node);
        return node;
    }

    /// <summary>Removes nodes that the predicate selects; callers make sure nothing still uses them.</summary>
    public int RemoveAll(Predicate<Node> predicate) => nodes.RemoveAll(predicate);

    /// <summary>Every place a value is read: (consumer, input index).</summary>
    public Dictionary<Node, List<(Node Consumer, int Index)>> Users()
    {
        var users = nodes.ToDictionary(n => n, _ => new List<(Node, int)>());
        foreach (var n in nodes)
            for (int i = 0; i < n.Inputs.Count; i++)
                users[n.Inputs[i].Node].Add((n, i));
        return users;
    }

    /// <summary>Replaces every read of <paramref name="from"/> (data inputs and outputs) by <paramref name="to"/>.</summary>
    public void ReplaceUses(Value from, Value to)
    {
        foreach (var n in nodes)
            for (int i = 0; i < n.Inputs.Count; i++)
                if (n.Inputs[i] == from) n.Inputs[i] = to;
        for (int i = 0; i < Outputs.Count; i++)
            if (Outputs[i].Value == from) Outputs[i] = (Outputs[i].Name, to);
    }

    /// <summary>Replaces control edges on <paramref name="from"/> by edges on <paramref name="to"/>.</summary>
    public void ReplaceControlUses(Node from, Node to)
    {
        foreach (var n in nodes)
        {
            int i = n.ControlInputs.IndexOf(from);
            if (i < 0) continue;
            n.ControlInputs.RemoveAt(i);
            if (n != to && !n.ControlInputs.Contains(to)) n.ControlInputs.Add(to);
        }
    }

    /// <summary>Creates a node without adding it to the node list at the end: fusion inserts it where the fused nodes were.</summary>
    internal Node CreateDetached(Op op, IReadOnlyList<Value> inputs)
    {
        var types = OpRegistry.Get(op).InferTypes(op, inputs.Select(v => v.Type).ToArray());
        return new Node(nextId++, op, inputs, types);
    }

    internal void InsertBefore(Node anchor, Node node) => nodes.Insert(nodes.IndexOf(anchor), node);

    /// <summary>Position of <paramref name="node"/> in the node list, or -1.</summary>
    public int IndexOf(Node node) => nodes.IndexOf(node);

    /// <summary>The node with id <paramref name="id"/>, or null.</summary>
    public Node? FindById(int id) => nodes.FirstOrDefault(n => n.Id == id);
}
