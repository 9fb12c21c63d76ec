using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Memory;
using Trainer.Graph.Ops;
using Trainer.Graph.Parallel;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Compilation;

/// <summary>
/// A program bound to a device: one arena for every intermediate and kernel workspace, one input
/// block holding every step input (in graph order, each at an aligned offset, so a batch goes up
/// in one copy), kernels bound to fixed buffers. <see cref="Run()"/> replays the launch plan and does nothing else: no
/// tracing, no graph work, no allocation.
/// </summary>
public sealed class CompiledGraph : IDisposable
{
    private readonly IKernelBackend backend;
    private readonly BoundKernel[] plan;
    private readonly Node[] planNodes;
    private readonly Dictionary<Value, DeviceBuffer> buffers;
    private readonly DeviceBuffer arena;
    private readonly DeviceBuffer inputBlock;
    private readonly Dictionary<string, (DeviceBuffer Buffer, TensorType Type)> inputs = [];
    private readonly Dictionary<string, (DeviceBuffer Buffer, TensorType Type)> outputs = [];
    private CapturedStep? captured;

    private CompiledGraph(IKernelBackend backend, GraphProgram program, BoundKernel[] plan, Node[] planNodes, Dictionary<Value, DeviceBuffer> buffers,
        DeviceBuffer arena, DeviceBuffer inputBlock, long inputBytes)
    {
        this.backend = backend;
        Program = program;
        this.plan = plan;
        this.planNodes = planNodes;
        this.buffers = buffers;
        this.arena = arena;
        this.inputBlock = inputBlock;
        InputBytes = inputBytes;
    }

    /// <summary>The scheduled, memory-planned program this step replays.</summary>
    public GraphProgram Program { get; }

    /// <summary>Kernel launches per <see cref="Run()"/>.</summary>
    public int Launches => Program.Launches;

    /// <summary>Bytes of the one device allocation every intermediate value of the step lives in.</summary>
    public long ArenaBytes => arena.ByteLength;

    /// <summary>
    /// The allocation every input lies in; <see cref="Input"/>'s buffers are slices of it, at
    /// <see cref="DeviceBuffer.ByteOffset"/>. Writing the first <see cref="InputBytes"/> of it with
    /// one copy sets every input.
    /// </summary>
    public DeviceBuffer InputBlock => inputBlock;

    /// <summary>Bytes from the block's start to the end of its last input.</summary>
    public long InputBytes { get; }

    /// <summary>
    /// Binds <paramref name="program"/>; <paramref name="parameters"/> maps each Parameter node's name to its device memory.
    /// With an enabled <paramref name="capture"/> policy the step is recorded on its first run and replayed after (<see cref="CapturedStep"/>).
    /// A step compiled for several processes needs the <paramref name="reducer"/> its AllReduce node averages the gradients through;
    /// since that reducer goes through the host, such a step turns capture off (the policy says so once).
    /// </summary>
    public static CompiledGraph Bind(GraphProgram program, IKernelBackend backend, IReadOnlyDictionary<string, DeviceBuffer> parameters,
        StepCapturePolicy? capture = null, IGradientReducer? reducer = null)
    {
        if (capture is { Enabled: true } && program.Graph.Nodes.Any(n => n.Op.Kind == OpKind.AllReduce))
            capture.Fail("the step's gradient all-reduce goes through the host, which a CUDA graph cannot record");
        var context = new BindContext(backend, reducer);
        var inputNodes = program.Graph.Nodes.Where(n => n.Op.Kind == OpKind.Input).ToList();
        var inputOffsets = new long[inputNodes.Count];
        long inputBytes = 0;
        for (int i = 0; i < inputNodes.Count; i++)
        {
            inputOffsets[i] = IntervalPacker.Align(inputBytes, MemoryPlanner.Alignment);
            inputBytes = inputOffsets[i] + inputNodes[i].Type.ByteCount;
        }
        var arena = backend.Allocate(program.Memory.ArenaBytes);
        var inputBlock = backend.Allocate(inputBytes);
        var buffers = new Dictionary<Value, DeviceBuffer>();
        var bound = new List<BoundKernel>();
        var boundNodes = new List<Node>();
        var inputBuffers = new Dictionary<string, (DeviceBuffer, TensorType)>();
        try
        {
            for (int i = 0; i < inputNodes.Count; i++)
            {
                var buffer = inputBlock.Slice(inputOffsets[i], inputNodes[i].Type.ByteCount);
                buffers[inputNodes[i]] = buffer;
                inputBuffers[inputNodes[i].Op.Name!] = (buffer, inputNodes[i].Type);
            }
            foreach (var node in program.Graph.Nodes)
            {
                if (node.Op.Kind == OpKind.Parameter)
                {
                    if (!parameters.TryGetValue(node.Op.Name!, out var p))
                        throw new GraphCompileException($"parameter '{node.Op.Name}' of the graph has no device memory bound");
                    if (p.ByteLength < node.Type.ByteCount)
                        throw new GraphCompileException($"parameter '{node.Op.Name}' is {p.ByteLength} bytes, the graph needs {node.Type} ({node.Type.ByteCount} bytes)");
                    buffers[node] = p;
                }
            }
            foreach (var slot in program.Memory.Slots)
                buffers[slot.Storage] = arena.Slice(slot.Offset, slot.Bytes);

            DeviceBuffer BufferOf(Value v) => buffers[BufferAliasing.StorageOf(v)];

            foreach (var node in program.Schedule)
            {
                var def = OpRegistry.Get(node.Op);
                if (node.Op.Kind is OpKind.Input or OpKind.Parameter || def.IsAlias) continue;
                var ins = node.Inputs.Select(BufferOf).ToArray();
                var outs = Enumerable.Range(0, node.Outputs.Length).Select(o => buffers[new Value(node, o)]).ToArray();
                var workspace = program.Memory.TryGetWorkspace(node, out var w) ? arena.Slice(w.Offset, w.Bytes) : null;
                if (def.Bind(context, node.Op, node.Inputs.Select(v => v.Type).ToArray(), ins, outs, workspace) is { } kernel)
                {
                    bound.Add(kernel);
                    boundNodes.Add(node);
                }
            }

            var compiled = new CompiledGraph(backend, program, bound.ToArray(), boundNodes.ToArray(), buffers, arena, inputBlock, inputBytes);
            if (capture is { Enabled: true }) compiled.captured = new CapturedStep(compiled.plan, backend.CreateStepCapture, capture);
            foreach (var (name, entry) in inputBuffers) compiled.inputs[name] = entry;
            foreach (var (name, value) in program.Graph.Outputs)
                compiled.outputs[name] = (BufferOf(value), value.Type);
            return compiled;
        }
        catch
        {
            foreach (var k in bound) k.Dispose();
            backend.Free(inputBlock);
            backend.Free(arena);
            throw;
        }
    }

    /// <summary>The device memory of a step input; write the batch here before <see cref="Run()"/>.</summary>
    public (DeviceBuffer Buffer, TensorType Type) Input(string name) =>
        inputs.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"the graph has no input '{name}'");

    /// <summary>Where a step output is after <see cref="Run()"/>; valid until the next run.</summary>
    public (DeviceBuffer Buffer, TensorType Type) Output(string name) =>
        outputs.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"the graph has no output '{name}'");

    /// <summary>The names of the step's inputs, as <see cref="Input"/> takes them.</summary>
    public IEnumerable<string> InputNames => inputs.Keys;

    /// <summary>Replays the launch plan once: one step, with no tracing, no allocation and no graph work.</summary>
    public void Run()
    {
        if (captured is not null)
        {
            captured.Run();
            return;
        }
        foreach (var kernel in plan) kernel.Launch();
    }

    /// <summary>
    /// Replays the plan like <see cref="Run()"/>, calling <paramref name="afterLaunch"/> with each launched
    /// node right after its launch, while its outputs (which a later node may overwrite, since the
    /// arena reuses memory) are still there to read with <see cref="BufferOf"/>. For diagnosis
    /// (`trainer compare --locate`), not for training.
    /// </summary>
    public void Run(Action<Node> afterLaunch)
    {
        for (int i = 0; i < plan.Length; i++)
        {
            plan[i].Launch();
            afterLaunch(planNodes[i]);
        }
    }

    /// <summary>The device memory <paramref name="value"/> lives in (an arena slot, an input or a parameter), aliases followed.</summary>
    public DeviceBuffer BufferOf(Value value) => buffers[BufferAliasing.StorageOf(value)];

    /// <summary>Frees the arena, the input block and every bound kernel's resources.</summary>
    public void Dispose()
    {
        captured?.Dispose();
        foreach (var k in plan) k.Dispose();
        backend.Free(inputBlock);
        backend.Free(arena);
    }
}
