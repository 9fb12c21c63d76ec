namespace Trainer.Graph.Ir;

/// <summary>One output of a node: what a data edge carries.</summary>
public readonly record struct Value(Node Node, int Index)
{
    /// <summary>The type of this output.</summary>
    public TensorType Type => Node.Outputs[Index];

    /// <summary>A node's first output.</summary>
    public static implicit operator Value(Node node) => new(node, 0);

    /// <summary>Printed as <c>%7</c> for a node's first output and <c>%7.1</c> for the others.</summary>
    public override string ToString() => Index == 0 ? $"%{Node.Id}" : $"%{Node.Id}.{Index}";
}
