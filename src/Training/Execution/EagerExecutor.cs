using Trainer.Graph.Autodiff;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;

namespace Trainer.Training.Execution;

/// <summary>
/// PyNative-style execution: every op allocates its output, launches its kernel at once, and, while
/// a gradient is being recorded, appends itself to a tape that reverse mode walks backwards.
/// </summary>
internal sealed class EagerExecutor : IExecutor, IDisposable
{
    private readonly EagerMemoryPool pool;
    private readonly EagerScope root = new(null);
    private EagerScope current;
    private readonly List<DeviceBuffer> owned = [];
    private List<TapeEntry<Tensor>>? tape;

    public EagerExecutor(IKernelBackend backend)
    {
        Backend = backend;
        pool = new EagerMemoryPool(backend);
        current = root;
    }

    public IKernelBackend Backend { get; }

    /// <summary>
    /// Called after every op with the op, its inputs and its output (null for an op without outputs),
    /// while the launch's results are still in place; `trainer compare --locate` reads them here. Null in training.
    /// </summary>
    public Action<Op, Tensor[], Tensor?>? AfterOp { get; set; }

    /// <summary>Bytes of device memory eager ops have asked for so far (cache hits included).</summary>
    public long BytesRequested => pool.BytesRequested;

    /// <summary>Bytes of device memory the pool holds (in use or cached): what eager mode has taken from the device.</summary>
    public long BytesReserved => pool.BytesReserved;

    /// <summary>Bytes of pooled memory live tensors hold now.</summary>
    public long BytesInUse => pool.BytesInUse;

    /// <summary>A tensor backed by fresh pooled memory that lives until the innermost open scope ends (the step, when none is open).</summary>
    public Tensor NewTensor(TensorType type)
    {
        var buffer = pool.Rent(type.ByteCount);
        var tensor = new Tensor(type, buffer, this);
        current.Add(tensor);
        return tensor;
    }

    /// <summary>Device memory that lives as long as the executor: the optimizers' hyperparameter blocks.</summary>
    public DeviceBuffer Own(long bytes)
    {
        var buffer = Backend.Allocate(bytes);
        owned.Add(buffer);
        return buffer;
    }

    /// <summary>Opens a scope: tensors made until it closes are freed when it does (<see cref="CloseScope"/>).</summary>
    public EagerScope OpenScope() => current = new EagerScope(current);

    /// <summary>
    /// Closes <paramref name="scope"/>, which must be the innermost open one, freeing what it made except the
    /// tensors it keeps; those go to the enclosing scope, or into <paramref name="detached"/> when given.
    /// </summary>
    public void CloseScope(EagerScope scope, List<Tensor>? detached = null)
    {
        if (scope.Closed) return;
        if (scope != current)
            throw new InvalidOperationException("eager scopes must close in the reverse order of opening: an inner scope is still open");
        scope.Close(pool, detached);
        current = scope.Parent!;
    }

    /// <summary>Frees <paramref name="tensors"/> (detached from every scope, such as an eager step's previous results).</summary>
    public void Free(List<Tensor> tensors)
    {
        foreach (var t in tensors) t.Free(pool);
    }

    /// <summary>Returns every tensor made since the last call to the pool, in every open scope; those tensors must not be used again.</summary>
    public void EndStep()
    {
        for (var s = current; s is not null; s = s.Parent) s.Close(pool);
        current = root;
    }

    public Tensor Apply(Op op, params Tensor[] inputs)
    {
        var def = OpRegistry.Get(op);
        var inputTypes = inputs.Select(t => t.Type).ToArray();
        var types = def.InferTypes(op, inputTypes);
        if (types.Length != 1) throw new InvalidOperationException($"{op} has {types.Length} outputs; Apply takes single-output ops");

        Tensor output = def.IsAlias
            ? Tensor.View(types[0], inputs[0], this)
            : NewTensor(types[0]);
        Launch(def, op, inputTypes, inputs, [output.DeviceMemory]);
        tape?.Add(new TapeEntry<Tensor>(op, inputs, output));
        AfterOp?.Invoke(op, inputs, output);
        return output;
    }

    public Tensor[] ApplyMulti(Op op, params Tensor[] inputs)
    {
        var def = OpRegistry.Get(op);
        var inputTypes = inputs.Select(t => t.Type).ToArray();
        var types = def.InferTypes(op, inputTypes);
        if (types.Length == 0) throw new InvalidOperationException($"{op} has no outputs; use ApplyEffect");
        if (def.IsAlias) throw new InvalidOperationException($"{op} is a view; ApplyMulti takes ops that compute their outputs");
        var outputs = types.Select(NewTensor).ToArray();
        Launch(def, op, inputTypes, inputs, outputs.Select(t => t.DeviceMemory).ToArray());
        tape?.Add(new TapeEntry<Tensor>(op, inputs, outputs));
        AfterOp?.Invoke(op, inputs, outputs[0]);
        return outputs;
    }

    public Effect ApplyEffect(Op op, params Tensor[] inputs)
    {
        var def = OpRegistry.Get(op);
        var inputTypes = inputs.Select(t => t.Type).ToArray();
        var types = def.InferTypes(op, inputTypes);
        if (types.Length != 0) throw new InvalidOperationException($"{op} has outputs; ApplyEffect takes ops without outputs");
        Launch(def, op, inputTypes, inputs, []);
        AfterOp?.Invoke(op, inputs, null);
        return new Effect([], this);
    }

    /// <summary>Binds and launches at once; a declared workspace is rented from the pool for the launch and given back after it.</summary>
    private void Launch(OpDefinition def, Op op, TensorType[] inputTypes, Tensor[] inputs, DeviceBuffer[] outputs)
    {
        long workspaceBytes = def.WorkspaceBytes(op, inputTypes, Backend);
        foreach (var input in inputs)
            if (input is Optim.HyperparameterBlock hyperparameters) hyperparameters.Refresh(this);
        var workspace = workspaceBytes > 0 ? pool.Rent(workspaceBytes) : null;
        try
        {
            using var kernel = def.Bind(Backend, op, inputTypes, inputs.Select(t => t.DeviceMemory).ToArray(), outputs, workspace);
            kernel?.Launch();
        }
        finally
        {
            if (workspace is not null) pool.Return(workspace);
        }
    }

    public Tensor Depend(Tensor value, IReadOnlyList<Effect> effects) => value;

    public IDisposable Record()
    {
        if (tape is not null) throw new InvalidOperationException("gradients are already being recorded (nested ValueAndGrad is not supported)");
        tape = [];
        return new StopRecording(this);
    }

    /// <summary>Averages every gradient over data-parallel processes once it is computed; null for one process.</summary>
    public Graph.Parallel.IGradientReducer? GradientReducer { get; set; }

    /// <summary>
    /// The gradients of <paramref name="loss"/>, averaged over every data-parallel process when there are several
    /// (in place, as one collective in the order of <paramref name="wrt"/>, the same on every process): eager mode's counterpart of
    /// the AllReduce nodes the graph compiler places.
    /// </summary>
    public Tensor[] Gradients(Tensor loss, IReadOnlyList<Tensor> wrt)
    {
        var recorded = tape ?? throw new InvalidOperationException("no recording in progress");
        tape = null;
        var gradients = ReverseMode.Gradients(new Builder(this), recorded, loss, wrt);
        if (GradientReducer is { } reducer)
        {
            if (reduced.Length != gradients.Length) reduced = new Graph.Parallel.GradientBuffer[gradients.Length];
            for (int i = 0; i < gradients.Length; i++) reduced[i] = new(gradients[i].DeviceMemory, gradients[i].Type.ElementCount);
            reducer.AllReduceMean(reduced);
        }
        return gradients;
    }

    /// <summary>The reducer's view of the last step's gradients, kept so a step does not allocate it again.</summary>
    private Graph.Parallel.GradientBuffer[] reduced = [];

    public void Dispose()
    {
        EndStep();
        pool.Dispose();
        foreach (var buffer in owned) Backend.Free(buffer);
        owned.Clear();
    }

    private sealed class StopRecording(EagerExecutor owner) : IDisposable
    {
        public void Dispose() => owner.tape = null;
    }

    private sealed class Builder(EagerExecutor executor) : IOpBuilder<Tensor>
    {
        public Tensor Apply(Op op, params Tensor[] inputs) => executor.Apply(op, inputs);
        public Tensor[] ApplyMulti(Op op, params Tensor[] inputs) => executor.ApplyMulti(op, inputs);
        public TensorType TypeOf(Tensor value) => value.Type;
    }
}
