using Trainer.Graph;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Training.Execution;
using Trainer.Training.Nn;

namespace Trainer.Training.Jit;

/// <summary>
/// A step compiled for graph mode (MindSpore's GRAPH_MODE / @jit), over any number of inputs and
/// outputs: traced once per input shape, per mode of the cells it reads
/// (<see cref="Cell.Training"/>) and per data-parallel row offset a Dropout reads, optimised, planned and bound; each call then copies the arguments
/// into the step's input buffers and replays the launch plan. Host arguments go up packed, in one
/// asynchronous copy (<see cref="BatchStaging"/>), so a step waits for the device only when a
/// result is read. Results are valid until the next call. <c>StepCompiler.Compile</c>
/// makes one without naming Graph types.
/// </summary>
public sealed class GraphFunction : IStepFunction
{
    private readonly Session? session;
    private readonly Func<Tensor[], Tensor[]> function;
    private readonly string[] inputNames;
    private readonly string[]? outputNames;
    private readonly List<Entry> cache = [];
    private Entry? last;

    /// <summary>
    /// One compiled form: the input types and cell modes it was traced for, the data-parallel row offset it read
    /// (<see cref="Distributed.BatchRowOffset"/>; null when it read none), its graph, results and staging ring.
    /// </summary>
    private sealed record Entry(TensorType[] Key, (Cell Cell, bool Training)[] Modes, int? RowOffset, CompiledGraph Graph, Tensor[] Outputs, BatchStaging Staging);

    /// <summary>A two-input step; <paramref name="inputNames"/> and <paramref name="outputNames"/> name the graph's inputs and outputs.</summary>
    public GraphFunction(Session? session, string name, Func<Tensor, Tensor, Tensor[]> function,
        string[] inputNames, string[] outputNames, CompileOptions options)
        : this(session, name, inputs => function(inputs[0], inputs[1]), inputNames, outputNames, options)
    {
        if (inputNames.Length != 2) throw new ArgumentException($"{name} takes 2 inputs but {inputNames.Length} input names were given", nameof(inputNames));
    }

    /// <summary>
    /// A step over <paramref name="inputNames"/>.Length inputs, in that order. With <paramref name="outputNames"/>
    /// null the outputs are named <c>output0</c>, <c>output1</c>, ... and their number is whatever the function returns.
    /// </summary>
    /// <exception cref="ArgumentException">No input names, or a name given twice.</exception>
    public GraphFunction(Session? session, string name, Func<Tensor[], Tensor[]> function,
        string[] inputNames, string[]? outputNames = null, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (inputNames.Length == 0) throw new ArgumentException($"{name} needs at least one input name", nameof(inputNames));
        if (inputNames.Distinct().Count() != inputNames.Length)
            throw new ArgumentException($"{name}'s input names repeat one: {string.Join(", ", inputNames)}", nameof(inputNames));
        this.session = session;
        Name = name;
        this.function = function;
        this.inputNames = inputNames;
        this.outputNames = outputNames;
        Options = options ?? new CompileOptions();
    }

    /// <summary>The step's name, used in messages and printed graphs.</summary>
    public string Name { get; }

    /// <summary>How the step is optimised (fusion on or off, ...).</summary>
    public CompileOptions Options { get; }

    /// <summary>Time spent tracing and compiling, all shapes together.</summary>
    public TimeSpan CompileTime { get; private set; }

    /// <summary>Kernel launches of the most recently compiled shape.</summary>
    public int Launches { get; private set; }

    /// <summary>
    /// How many graphs have been traced and compiled: one per input shape and mode of the cells the step reads. A
    /// learning-rate schedule changes a device value, so it leaves this where it was.
    /// </summary>
    public int Compilations => cache.Count;

    /// <summary>Bytes of the arenas of every compiled shape.</summary>
    public long ArenaBytes => cache.Sum(c => c.Graph.ArenaBytes);

    /// <summary>Traces the function for the given argument types into a fresh graph, without compiling.</summary>
    public (Graph.Ir.Graph Graph, IReadOnlyList<Parameter> Parameters) Trace(TensorType a, TensorType b)
    {
        var (graph, parameters, _, _) = Trace([a, b]);
        return (graph, parameters);
    }

    /// <summary>Traces for any number of argument types, recording which cells' modes the function read.</summary>
    internal (Graph.Ir.Graph Graph, IReadOnlyList<Parameter> Parameters, (Cell Cell, bool Training)[] Modes,
        (Optim.HyperparameterBlock Block, string Input)[] Hyperparameters) Trace(IReadOnlyList<TensorType> types)
    {
        if (types.Count != inputNames.Length)
            throw new ArgumentException($"{Name} takes {inputNames.Length} inputs ({string.Join(", ", inputNames)}), {types.Count} were given");
        var tracer = new Tracer(Name);
        var inputs = new Tensor[types.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = tracer.AddInput(inputNames[i], types[i]);
        Tensor[] outputs;
        (Cell, bool)[] modes;
        using (var reads = new CellModeReads())
        using (tracer.Activate())
        {
            outputs = function(inputs);
            modes = reads.Reads;
        }
        if (outputNames is not null && outputs.Length != outputNames.Length)
            throw new GraphCompileException($"{Name} returned {outputs.Length} values, expected {outputNames.Length}");
        for (int i = 0; i < outputs.Length; i++)
            tracer.Graph.Outputs.Add((OutputName(i), tracer.Lift(outputs[i]).Value));
        return (tracer.Graph, tracer.Parameters.ToList(), modes, tracer.Hyperparameters.ToArray());
    }

    private string OutputName(int i) => outputNames is null ? $"output{i}" : outputNames[i];

    /// <summary>Traces and optimises, stopping before any device work: what `trainer graph` prints.</summary>
    public GraphProgram Program(TensorType a, TensorType b) => GraphProgram.Build(Trace(a, b).Graph, Options);

    private Entry Compile(Session session, TensorType[] types)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Graph.Ir.Graph graph;
        IReadOnlyList<Parameter> parameters;
        (Cell Cell, bool Training)[] modes;
        (Optim.HyperparameterBlock Block, string Input)[] hyper;
        int? rowOffset;
        using (var rows = new Distributed.BatchRowOffset.Reads())
        {
            (graph, parameters, modes, hyper) = Trace(types);
            rowOffset = rows.Seen;
        }
        var program = GraphProgram.Build(graph, Options, session.Backend);
        var buffers = parameters.ToDictionary(p => p.Name, p => p.DeviceMemory);
        var compiled = CompiledGraph.Bind(program, session.Backend, buffers, session.StepCapture, session.GradientReducer);
        var staging = new BatchStaging(session.Backend, compiled, inputNames, hyper);
        var outputs = graph.Outputs.Select(o =>
        {
            var (buffer, type) = compiled.Output(o.Name);
            return new Tensor(type, buffer, session.Eager);
        }).ToArray();
        CompileTime += started.Elapsed;
        return new Entry(types, modes, rowOffset, compiled, outputs, staging);
    }

    /// <summary>The compiled form for these types and the cells' current modes, compiling it on first use.</summary>
    private Entry Compiled(TensorType[] types)
    {
        var session = this.session ?? throw new InvalidOperationException($"{Name} was made without a session: it can be traced but not run");
        Entry? entry = null;
        foreach (var candidate in cache)
            if (candidate.Key.AsSpan().SequenceEqual(types) && Hold(candidate)) { entry = candidate; break; }
        if (entry is null) cache.Add(entry = Compile(session, types));
        last = entry;
        Launches = entry.Graph.Launches;
        return entry;
    }

    /// <summary>Traces, compiles and binds the step for these argument types now, so the first call with them only runs it.</summary>
    public void Compile(TensorType a, TensorType b) => Compiled([a, b]);

    /// <summary>Runs the step on device tensors, copying them into the step's input buffers first.</summary>
    public Tensor[] Call(Tensor a, Tensor b) => Call([a, b]);

    /// <summary>Runs the step on device tensors (one per input, in order), copying them into the step's input buffers first.</summary>
    /// <exception cref="ArgumentException">The number of tensors differs from the number of inputs.</exception>
    public Tensor[] Call(params ReadOnlySpan<Tensor> inputs)
    {
        CheckArity(inputs.Length);
        var entry = last is { } hit && Matches(hit, inputs) ? hit : Compiled(TypesOf(inputs));
        var backend = session!.Backend;
        for (int i = 0; i < inputs.Length; i++)
            backend.Copy(inputs[i].DeviceMemory, entry.Graph.Input(inputNames[i]).Buffer, inputs[i].Type.ByteCount);
        entry.Staging.UploadHyperparameters();
        entry.Graph.Run();
        return entry.Outputs;
    }

    /// <summary>Runs the step on host data: both arguments packed and uploaded in one asynchronous copy, no wait.</summary>
    public Tensor[] Call(Data.HostTensor a, Data.HostTensor b) => Call([a, b]);

    /// <summary>
    /// Runs the step on host data, one tensor per input in order: all of them packed and uploaded in one
    /// asynchronous copy, no wait. With the same shapes and modes as the last call it allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The number of tensors differs from the number of inputs.</exception>
    public Tensor[] Call(params ReadOnlySpan<Data.HostTensor> inputs)
    {
        CheckArity(inputs.Length);
        // The common case, the same shapes and modes as last time, is found without allocating key types.
        var entry = last is { } hit && Matches(hit, inputs) ? hit : Compiled(TypesOf(inputs));
        entry.Staging.Upload(inputs);
        entry.Graph.Run();
        return entry.Outputs;
    }

    private void CheckArity(int count)
    {
        if (count != inputNames.Length)
            throw new ArgumentException($"{Name} takes {inputNames.Length} inputs ({string.Join(", ", inputNames)}), {count} were given");
    }

    private static TensorType[] TypesOf(ReadOnlySpan<Tensor> inputs)
    {
        var types = new TensorType[inputs.Length];
        for (int i = 0; i < types.Length; i++) types[i] = inputs[i].Type;
        return types;
    }

    private static bool Matches(Entry entry, ReadOnlySpan<Tensor> inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (!entry.Key[i].Equals(inputs[i].Type)) return false;
        return Hold(entry);
    }

    private static TensorType[] TypesOf(ReadOnlySpan<Data.HostTensor> inputs)
    {
        var types = new TensorType[inputs.Length];
        for (int i = 0; i < types.Length; i++) types[i] = new TensorType(inputs[i].Shape, inputs[i].DType);
        return types;
    }

    private static bool Matches(Entry entry, ReadOnlySpan<Data.HostTensor> inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (!Same(entry.Key[i], inputs[i])) return false;
        return Hold(entry);
    }

    /// <summary>Whether the cells' modes and the row offset are still those the entry was traced with; allocates nothing.</summary>
    private static bool Hold(Entry entry) => CellModeReads.Hold(entry.Modes) && Distributed.BatchRowOffset.Reads.Hold(entry.RowOffset);

    private static bool Same(TensorType type, Data.HostTensor host) =>
        type.DType == host.DType && type.Shape.AsSpan().SequenceEqual(host.Shape);

    /// <summary>Frees every compiled graph and staging ring.</summary>
    public void Dispose()
    {
        last = null;
        foreach (var entry in cache)
        {
            entry.Staging.Dispose();
            entry.Graph.Dispose();
        }
        cache.Clear();
    }
}
