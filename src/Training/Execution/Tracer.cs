using Trainer.Graph.Analysis;
using Trainer.Graph;
using Trainer.Graph.Autodiff;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Training.Execution;

/// <summary>
/// Graph-mode tracing: runs the user's step once on symbolic tensors, turning every op call into a
/// node. Parameters become Parameter nodes the first time they are used, and optimizers'
/// hyperparameter blocks become Input nodes (fed with their current values every step); any other
/// eager tensor reaching the trace is an error, since its value would be baked into a graph replayed every step.
/// </summary>
internal sealed class Tracer : IExecutor
{
    private readonly Dictionary<Parameter, Tensor> parameters = [];
    private readonly Dictionary<Optim.HyperparameterBlock, Tensor> hyperparameters = [];

    /// <summary>The last node that wrote each parameter node in place (Assign, an optimizer update), in the code's order.</summary>
    private readonly Dictionary<Node, Node> lastWriter = [];

    [ThreadStatic] private static Tracer? active;

    public Tracer(string name) => Name = name;

    /// <summary>
    /// The trace running a step function on this thread, if any: an op whose inputs are all parameters or
    /// buffers (none traced) belongs to it too, instead of running eagerly in the middle of the trace.
    /// </summary>
    public static Tracer? Active => active;

    /// <summary>Makes this trace <see cref="Active"/> until the result is disposed.</summary>
    public IDisposable Activate() => new Activation(this);

    private sealed class Activation : IDisposable
    {
        private readonly Tracer? previous = active;

        public Activation(Tracer tracer) => active = tracer;

        public void Dispose() => active = previous;
    }

    public string Name { get; }
    public Graph.Ir.Graph Graph { get; } = new();

    /// <summary>Parameters the trace used, by the names their nodes carry.</summary>
    public IEnumerable<Parameter> Parameters => parameters.Keys;

    /// <summary>The hyperparameter blocks the trace used, each with the name of the Input node that stands for it.</summary>
    public IEnumerable<(Optim.HyperparameterBlock Block, string Input)> Hyperparameters =>
        hyperparameters.Select(h => (h.Key, h.Value.Node!.Op.Name!));

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
        if (tensor is Optim.HyperparameterBlock h)
        {
            if (!hyperparameters.TryGetValue(h, out var lifted))
            {
                string name = h.Name;
                for (int k = 2; Graph.Inputs.Any(n => n.Op.Name == name); k++) name = $"{h.Name}#{k}";
                hyperparameters[h] = lifted = new Tensor(h.Type, Graph.AddInput(name, h.Type), this);
            }
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
            var node = Graph.Add(op, values);
            OrderAfterWrites(node);
            return node;
        }
        catch (OpShapeException e)
        {
            throw new GraphCompileException($"while tracing {Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Orders <paramref name="node"/> after the last in-place write of every parameter it reads or writes that
    /// the code made before it, and records it as the last writer of what it writes: the compiled step then
    /// sees a buffer's new value exactly where eager mode does (reads before the write are ordered before it
    /// by the write-after-read pass).
    /// </summary>
    private void OrderAfterWrites(Node node)
    {
        if (lastWriter.Count > 0)
            foreach (var storage in BufferAliasing.ReadStorages(node)) // through views made before the write too
                if (lastWriter.TryGetValue(storage.Node, out var writer) && !node.ControlInputs.Contains(writer))
                    node.ControlInputs.Add(writer);
        foreach (var storage in BufferAliasing.WrittenStorages(node))
            if (storage.Node.Op.Kind == OpKind.Parameter) lastWriter[storage.Node] = node;
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
        public Tensor[] ApplyMulti(Op op, params Tensor[] inputs) => tracer.ApplyMulti(op, inputs);
        public TensorType TypeOf(Tensor value) => value.Type;
    }

    private sealed class NoRecording : IDisposable
    {
        public static readonly NoRecording Instance = new();
        public void Dispose() { }
    }
}
