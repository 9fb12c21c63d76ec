using Trainer.Graph;
using Trainer.Graph.Autodiff;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Training.Execution;

/// <summary>
/// Graph-mode tracing: runs the user's step once on symbolic tensors, turning every op call into a
/// node. Parameters become Parameter nodes the first time they are used; any other eager tensor
/// reaching the trace is an error, since its value would be baked into a graph replayed every step.
/// </summary>
internal sealed class Tracer : IExecutor
{
    private readonly Dictionary<Parameter, Tensor> parameters = [];

    public Tracer(string name) => Name = name;

    public string Name { get; }
    public Graph.Ir.Graph Graph { get; } = new();

    /// <summary>Parameters the trace used, by the names their nodes carry.</summary>
    public IEnumerable<Parameter> Parameters => parameters.Keys;

    [ThreadStatic] private static Tracer? active;

    /// <summary>The trace in progress on this thread (<see cref="Activate"/>), or null.</summary>
    public static Tracer? Active => active;

    /// <summary>
    /// Makes this the trace in progress until the result is disposed: an op whose inputs are all parameters (a
    /// weight scaled, a custom op on a weight) then becomes a node of this trace instead of running eagerly while
    /// tracing, and any other eager input is refused by <see cref="Lift"/> as usual.
    /// </summary>
    public IDisposable Activate()
    {
        var previous = active;
        active = this;
        return new Deactivation(previous);
    }

    private sealed class Deactivation(Tracer? previous) : IDisposable
    {
        public void Dispose() => active = previous;
    }

    public Tensor AddInput(string name, TensorType type) => new(type, Graph.AddInput(name, type), this);

    /// <summary>The symbolic stand-in for <paramref name="tensor"/> inside this trace.</summary>
    public Tensor Lift(Tensor tensor)
    {
        if (tensor.Tracer == this) return tensor;
        if (tensor.Tracer is not null)
            throw new GraphCompileException($"{tensor} belongs to another trace ({tensor.Tracer.Name}) than {Name}");
        if (tensor is Parameter p)
        {
            if (!parameters.TryGetValue(p, out var lifted))
                parameters[p] = lifted = new Tensor(p.Type, Graph.AddParameter(p.Name, p.Type), this);
            return lifted;
        }
        throw new GraphCompileException(
            $"a {tensor.Type} tensor computed outside the traced function {Name} was used inside it; pass it as an argument instead");
    }

    public Tensor Apply(Op op, params Tensor[] inputs)
    {
        var node = Add(op, inputs);
        if (node.Outputs.Length != 1) throw new InvalidOperationException($"{op} has {node.Outputs.Length} outputs; Apply takes single-output ops");
        return new Tensor(node.Type, node, this);
    }

    public Tensor[] ApplyMulti(Op op, params Tensor[] inputs)
    {
        var node = Add(op, inputs);
        if (node.Outputs.Length == 0) throw new InvalidOperationException($"{op} has no outputs; use ApplyEffect");
        return node.Outputs.Select((type, i) => new Tensor(type, new Value(node, i), this)).ToArray();
    }

    public Effect ApplyEffect(Op op, params Tensor[] inputs) => new([Add(op, inputs)], this);

    private Node Add(Op op, Tensor[] inputs)
    {
        var values = inputs.Select(t => Lift(t).Value).ToArray();
        try
        {
            return Graph.Add(op, values);
        }
        catch (OpShapeException e)
        {
            throw new GraphCompileException($"while tracing {Name}: {e.Message}");
        }
    }

    public Tensor Depend(Tensor value, IReadOnlyList<Effect> effects)
    {
        var node = Graph.Add(Op.Of(OpKind.Depend), Lift(value).Value);
        foreach (var effect in effects)
            foreach (var n in effect.Nodes)
                if (!node.ControlInputs.Contains(n)) node.ControlInputs.Add(n);
        return new Tensor(node.Type, node, this);
    }

    public IDisposable Record() => NoRecording.Instance;

    /// <summary>
    /// Differentiates the trace so far with the same reverse mode and rules as <see cref="GraphAutodiff"/> (the same
    /// nodes, in the same order), over traced tensors rather than nodes, so an op whose gradient is written in
    /// <see cref="Ops"/> (a custom op's) runs here as it does eagerly, and an op with several outputs gets one
    /// gradient per output.
    /// </summary>
    public Tensor[] Gradients(Tensor loss, IReadOnlyList<Tensor> wrt)
    {
        var tensors = new Dictionary<Value, Tensor>();
        Tensor Of(Value v) => tensors.TryGetValue(v, out var t) ? t : tensors[v] = new Tensor(v.Type, v, this);
        var tape = Graph.Nodes
            .Where(n => n.Outputs.Length > 0 && n.Op.Kind is not (OpKind.Input or OpKind.Parameter))
            .Select(n => new TapeEntry<Tensor>(n.Op, n.Inputs.Select(Of).ToArray(),
                Enumerable.Range(0, n.Outputs.Length).Select(i => Of(new Value(n, i))).ToArray()))
            .ToList();
        return ReverseMode.Gradients(new Builder(this), tape, Of(Lift(loss).Value), wrt.Select(w => Of(Lift(w).Value)).ToArray());
    }

    private sealed class Builder(Tracer tracer) : IOpBuilder<Tensor>
    {
        public Tensor Apply(Op op, params Tensor[] inputs) => tracer.Apply(op, inputs);
        public TensorType TypeOf(Tensor value) => value.Type;
    }

    private sealed class NoRecording : IDisposable
    {
        public static readonly NoRecording Instance = new();
        public void Dispose() { }
    }
}
