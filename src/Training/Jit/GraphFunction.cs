using Trainer.Graph;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Execution;

namespace Trainer.Training.Jit;

/// <summary>
/// A two-argument step compiled for graph mode (MindSpore's GRAPH_MODE / @jit): traced once per
/// input shape, optimised, planned and bound; each call then copies the arguments into the
/// step's input buffers and replays the launch plan. Host arguments go up packed, in one
/// asynchronous copy (<see cref="BatchStaging"/>), so a step waits for the device only when a
/// result is read. Results are valid until the next call.
/// </summary>
public sealed class GraphFunction : IDisposable
{
    private readonly Session? session;
    private readonly Func<Tensor, Tensor, Tensor[]> function;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly Dictionary<(TensorType, TensorType), (CompiledGraph Graph, Tensor[] Outputs, BatchStaging Staging)> cache = [];
    private (CompiledGraph Graph, Tensor[] Outputs, BatchStaging Staging)? last;

    /// <summary>
    /// <paramref name="function"/> as a compiled step (MindSpore's <c>@jit</c>), traced and compiled on the first call with each
    /// pair of input types for <paramref name="session"/>'s device (null: it can be traced but not run); its two inputs are named
    /// <paramref name="inputNames"/> and its outputs <paramref name="outputNames"/> in the printed graph.
    /// </summary>
    public GraphFunction(Session? session, string name, Func<Tensor, Tensor, Tensor[]> function,
        string[] inputNames, string[] outputNames, CompileOptions options)
    {
        this.session = session;
        Name = name;
        this.function = function;
        this.inputNames = inputNames;
        this.outputNames = outputNames;
        Options = options;
    }

    /// <summary>The step's name, as the printed graph shows it.</summary>
    public string Name { get; }
    /// <summary>How the step is compiled (passes, fusion).</summary>
    public CompileOptions Options { get; }

    /// <summary>Time spent tracing and compiling, all shapes together.</summary>
    public TimeSpan CompileTime { get; private set; }

    /// <summary>Kernel launches of the most recently compiled shape.</summary>
    public int Launches { get; private set; }

    /// <summary>Bytes of the arenas of every compiled shape.</summary>
    public long ArenaBytes => cache.Values.Sum(c => c.Graph.ArenaBytes);

    /// <summary>Traces the function for the given argument types into a fresh graph, without compiling.</summary>
    public (Graph.Ir.Graph Graph, IReadOnlyList<Parameter> Parameters) Trace(TensorType a, TensorType b)
    {
        var tracer = new Tracer(Name);
        var outputs = function(tracer.AddInput(inputNames[0], a), tracer.AddInput(inputNames[1], b));
        if (outputs.Length != outputNames.Length)
            throw new GraphCompileException($"{Name} returned {outputs.Length} values, expected {outputNames.Length}");
        for (int i = 0; i < outputs.Length; i++)
            tracer.Graph.Outputs.Add((outputNames[i], tracer.Lift(outputs[i]).Node!));
        return (tracer.Graph, tracer.Parameters.ToList());
    }

    /// <summary>Traces and optimises, stopping before any device work: what `trainer graph` prints.</summary>
    public GraphProgram Program(TensorType a, TensorType b) => GraphProgram.Build(Trace(a, b).Graph, Options);

    private (CompiledGraph Graph, Tensor[] Outputs, BatchStaging Staging) Compile(Session session, TensorType a, TensorType b)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (graph, parameters) = Trace(a, b);
        var program = GraphProgram.Build(graph, Options, session.Backend);
        var buffers = parameters.ToDictionary(p => p.Name, p => p.DeviceMemory);
        var compiled = CompiledGraph.Bind(program, session.Backend, buffers, session.StepCapture, session.GradientReducer);
        var staging = new BatchStaging(session.Backend, compiled, inputNames);
        var outputs = outputNames.Select(n =>
        {
            var (buffer, type) = compiled.Output(n);
            return new Tensor(type, buffer, session.Eager);
        }).ToArray();
        CompileTime += started.Elapsed;
        return (compiled, outputs, staging);
    }

    private (CompiledGraph Graph, Tensor[] Outputs, BatchStaging Staging) Compiled(TensorType a, TensorType b)
    {
        var session = this.session ?? throw new InvalidOperationException($"{Name} was made without a session: it can be traced but not run");
        if (!cache.TryGetValue((a, b), out var entry))
            cache[(a, b)] = entry = Compile(session, a, b);
        last = entry;
        Launches = entry.Graph.Launches;
        return entry;
    }

    /// <summary>Traces, compiles and binds the step for these argument types now, so the first call with them only runs it.</summary>
    public void Compile(TensorType a, TensorType b) => Compiled(a, b);

    /// <summary>Runs the step on device tensors, copying them into the step's input buffers first.</summary>
    public Tensor[] Call(Tensor a, Tensor b)
    {
        var (graph, outputs, _) = Compiled(a.Type, b.Type);
        var backend = session!.Backend;
        backend.Copy(a.DeviceMemory, graph.Input(inputNames[0]).Buffer, a.Type.ByteCount);
        backend.Copy(b.DeviceMemory, graph.Input(inputNames[1]).Buffer, b.Type.ByteCount);
        graph.Run();
        return outputs;
    }

    /// <summary>Runs the step on host data: both arguments packed and uploaded in one asynchronous copy, no wait.</summary>
    public Tensor[] Call(Data.HostTensor a, Data.HostTensor b)
    {
        // The common case, the same shapes as last time, is found without allocating key types.
        var (graph, outputs, staging) = last is { } hit && Matches(hit.Graph, a, b)
            ? hit
            : Compiled(new TensorType(a.Shape, a.DType), new TensorType(b.Shape, b.DType));
        staging.Upload(a, b);
        graph.Run();
        return outputs;
    }

    private bool Matches(CompiledGraph graph, Data.HostTensor a, Data.HostTensor b) =>
        Same(graph.Input(inputNames[0]).Type, a) && Same(graph.Input(inputNames[1]).Type, b);

    private static bool Same(TensorType type, Data.HostTensor host) =>
        type.DType == host.DType && type.Shape.AsSpan().SequenceEqual(host.Shape);

    /// <summary>Frees every compiled graph and its device memory.</summary>
    public void Dispose()
    {
        last = null;
        foreach (var (graph, _, staging) in cache.Values)
        {
            staging.Dispose();
            graph.Dispose();
        }
        cache.Clear();
    }
}
