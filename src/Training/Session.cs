using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Execution;
using Trainer.Training.Hosting;
using Trainer.Training.Nn;

namespace Trainer.Training;

/// <summary>
/// A device and what lives on it: the eager executor with its memory pool, and the parameter
/// blocks of the networks placed on it.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly List<ParameterBlock> blocks = [];

    internal Session(IKernelBackend backend, string deviceChoice = "")
    {
        Backend = backend;
        DeviceChoice = deviceChoice;
        Eager = new EagerExecutor(backend);
    }

    /// <summary>Opens the requested device; throws <see cref="DeviceNotAvailableException"/> if there is none.</summary>
    public static Session Open(DeviceRequest request) => Open(request.Kind, request.Options);

    /// <summary>Opens a device of the requested kind; throws <see cref="DeviceNotAvailableException"/> if there is none.</summary>
    internal static Session Open(DeviceKind kind, DeviceOptions? options = null)
    {
        var backend = DeviceCatalog.Open(kind, out var choice, options);
        return new Session(backend, choice);
    }

    /// <summary>The device's kernels and memory; internal, so the public surface names no device-layer type.</summary>
    internal IKernelBackend Backend { get; }

    /// <summary>Whether the device is the host's CPU (the native backend or ILGPU's CPU accelerator), where reading a value back costs no GPU round trip.</summary>
    public bool OnHost => Backend.Description.Kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu;

    /// <summary>One line saying which device was opened and, for auto, why.</summary>
    public string DeviceChoice { get; }

    internal EagerExecutor Eager { get; }

    /// <summary>Whether graphs compiled on this session capture their step once and replay it; off until <see cref="UseCudaGraphs"/>.</summary>
    internal Graph.Compilation.StepCapturePolicy StepCapture { get; private set; } = Graph.Compilation.StepCapturePolicy.Off;

    /// <summary>
    /// Whether `--cuda-graph` defaults to on for CUDA devices. Off until `trainer selftest --device cuda`
    /// has shown replay equal to direct launches bit for bit on a real GPU (no GPU has run this code
    /// yet); the run book measures both settings so that run can decide.
    /// </summary>
    public const bool CudaGraphsByDefault = false;

    /// <summary>
    /// `--cuda-graph on|off`: replay each compiled step as one CUDA graph. Null means the default
    /// (<see cref="CudaGraphsByDefault"/> on CUDA devices, off elsewhere). Asked for on a device
    /// without CUDA graphs, or failing on one, it falls back to direct launches with one line on
    /// <paramref name="warnings"/>. Applies to graphs bound after the call.
    /// </summary>
    public void UseCudaGraphs(bool? on, TextWriter warnings) =>
        StepCapture = new Graph.Compilation.StepCapturePolicy(on ?? (CudaGraphsByDefault && Backend.Description.Kind == DeviceKind.Cuda), warnings.WriteLine);

    /// <summary>
    /// How gradients are averaged over data-parallel processes: null for one process. Compiled steps bind it to
    /// their AllReduce nodes; eager mode applies it at the end of <see cref="Autograd.ValueAndGrad(Func{Tensor, Tensor, ValueTuple{Tensor, Tensor}}, int[], IReadOnlyList{Parameter}, bool)"/>.
    /// </summary>
    internal Graph.Parallel.IGradientReducer? GradientReducer { get; private set; }

    /// <summary>Averages gradients over <paramref name="group"/>'s processes from now on (nothing changes for a group of one).</summary>
    public void UseDataParallel(Distributed.DataParallelGroup group)
    {
        GradientReducer = group.Size > 1 ? group.GradientReducer(Backend) : null;
        Eager.GradientReducer = GradientReducer;
    }

    /// <summary>Device bytes eager ops have requested so far (from the cache or fresh).</summary>
    public long EagerBytesRequested => Eager.BytesRequested;

    /// <summary>
    /// Puts every parameter of <paramref name="network"/> into one device block and its buffers (if any) into
    /// another, each initialised with its initial values.
    /// </summary>
    public void Place(Cell network)
    {
        PlaceBlock(network.TrainableParams(), "the network is already placed on a session");
        PlaceBlock(network.Buffers(), "the network's buffers are already placed on a session");
    }

    /// <summary>
    /// Puts an optimizer's state (if it keeps any) into one device block, where it persists between steps, and
    /// its hyperparameters into eager device memory (an optimizer never placed gets that memory at its first eager update).
    /// </summary>
    public void Place(Optim.IOptimizer optimizer)
    {
        PlaceBlock(optimizer.State, "the optimizer's state is already placed on a session");
        optimizer.Hyperparameters.Refresh(Eager);
    }

    /// <summary>Puts free-standing parameters (ones no placed cell owns) into one device block, initialised with their initial values.</summary>
    public void Place(IReadOnlyList<Parameter> parameters) => PlaceBlock(parameters, "a parameter is already placed on a session");

    private void PlaceBlock(IReadOnlyList<Parameter> parameters, string alreadyPlaced)
    {
        if (parameters.Count == 0) return; // nothing to hold (plain SGD keeps no state)
        if (parameters.Any(p => p.Eager is not null)) throw new InvalidOperationException(alreadyPlaced);
        blocks.Add(new ParameterBlock(Backend, parameters, Eager));
    }

    /// <summary>Copies a host tensor to the device as an eager tensor that lives until the innermost open <see cref="Scope"/> ends (or <see cref="EndStep"/>).</summary>
    public Tensor ToDevice(HostTensor host)
    {
        var tensor = Eager.NewTensor(new TensorType(host.Shape, host.DType));
        Upload(host, tensor.DeviceMemory);
        return tensor;
    }

    /// <summary>
    /// A float32 eager tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/>
    /// (row-major), like MindSpore's <c>Tensor(array)</c>; it lives until the innermost open
    /// <see cref="Scope"/> ends (or <see cref="EndStep"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public Tensor Tensor(float[] data, Shape shape) => FromHost(data, shape, DType.Float32);

    /// <summary>An int32 eager tensor (labels, indices) holding a copy of <paramref name="data"/>; see <see cref="Tensor(float[], Shape)"/>.</summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public Tensor Tensor(int[] data, Shape shape) => FromHost(data, shape, DType.Int32);

    /// <summary>A uint8 eager tensor (image bytes) holding a copy of <paramref name="data"/>; see <see cref="Tensor(float[], Shape)"/>.</summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public Tensor Tensor(byte[] data, Shape shape) => FromHost(data, shape, DType.UInt8);

    private Tensor FromHost<T>(T[] data, Shape shape, DType dtype) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.ElementCount != data.Length)
            throw new ArgumentException($"Tensor: shape {shape} has {shape.ElementCount} elements but the {DTypeInfo.Name(dtype)} data has {data.Length}", nameof(data));
        var tensor = Eager.NewTensor(new TensorType(shape.ToArray(), dtype));
        Backend.Upload<T>(tensor.DeviceMemory, data);
        return tensor;
    }

    /// <summary>
    /// Opens a scope for eager tensors: what is made until it is disposed is freed then, unless kept
    /// with <see cref="TensorScope.Keep"/>. <c>using (session.Scope()) { ... }</c> around an eager step
    /// replaces calling <see cref="EndStep"/> by hand.
    /// </summary>
    public TensorScope Scope() => new(Eager);

    /// <summary>Bytes of device memory the eager memory pool holds (live tensors and cached free buffers): bounded in a steady eager loop.</summary>
    public long EagerBytesReserved => Eager.BytesReserved;

    /// <summary>Bytes of device memory live eager tensors hold now.</summary>
    public long EagerBytesInUse => Eager.BytesInUse;

    /// <summary>Copies a host tensor's elements into existing device memory.</summary>
    internal void Upload(HostTensor host, DeviceBuffer destination) => Backend.Upload(destination, host.AsBytes());

    /// <summary>Overwrites a placed parameter's value on the device (loading a checkpoint).</summary>
    public void Assign(Parameter parameter, float[] values)
    {
        if (values.Length != parameter.Type.ElementCount)
            throw new ArgumentException($"{parameter.Name} is {parameter.Type} but {values.Length} values were given");
        Backend.Upload<float>(parameter.DeviceMemory, values);
    }

    /// <summary>Waits until the device has finished everything launched so far (for honest timing).</summary>
    public void Synchronize() => Backend.Synchronize();

    /// <summary>Ends an eager step: every tensor made since the last call, in every open scope, goes back to the memory pool.</summary>
    public void EndStep() => Eager.EndStep();

    /// <summary>Frees the eager memory and the parameter blocks, and closes the backend.</summary>
    public void Dispose()
    {
        Eager.Dispose();
        foreach (var b in blocks) b.Dispose();
        Backend.Dispose();
    }
}
