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

    public Tracer(string name) => Name = name;

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

    public Effect ApplyEffect(Op op, params Tensor[] inputs) => new([Add(op, inputs)], this);

    private Node Add(Op op, Tensor[] inputs)
    {
        var values = inputs.Select(t => (Value)Lift(t).Node!).ToArray();
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
        var node = Graph.Add(Op.Of(OpKind.Depend), Lift(value).Node!);
        foreach (var effect in effects)
            foreach (var n in effect.Nodes)
                if (!node.ControlInputs.Contains(n)) node.ControlInputs.Add(n);
        return new Tensor(node.Type, node, this);
    }

    public IDisposable Record() => NoRecording.Instance;

    public Tensor[] Gradients(Tensor loss, IReadOnlyList<Tensor> wrt)
    {
        var grads = GraphAutodiff.Gradients(Graph, Lift(loss).Node!, wrt.Select(w => Lift(w).Node!).ToArray());
        return grads.Select(g => new Tensor(g.Type, g, this)).ToArray();
    }

    private sealed class NoRecording : IDisposable
    {
        public static readonly NoRecording Instance = new();
        public void Dispose() { }
    }
}
