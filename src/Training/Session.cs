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

    /// <summary>A session on <paramref name="backend"/>, which it owns; <paramref name="deviceChoice"/> is the line saying how the device was chosen.</summary>
    public Session(IKernelBackend backend, string deviceChoice = "")
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

    /// <summary>The device backend kernels run on.</summary>
    public IKernelBackend Backend { get; }

    /// <summary>Whether the device is the host's CPU (the native backend or ILGPU's CPU accelerator), where reading a value back costs no GPU round trip.</summary>
    public bool OnHost => Backend.Description.Kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu;

    /// <summary>One line saying which device was opened and, for auto, why.</summary>
    public string DeviceChoice { get; }

    internal EagerExecutor Eager { get; }

    /// <summary>Whether graphs compiled on this session capture their step once and replay it; off until <see cref="UseCudaGraphs"/>.</summary>
    public Graph.Compilation.StepCapturePolicy StepCapture { get; private set; } = Graph.Compilation.StepCapturePolicy.Off;

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
    public Graph.Parallel.IGradientReducer? GradientReducer { get; private set; }

    /// <summary>Averages gradients over <paramref name="group"/>'s processes from now on (nothing changes for a group of one).</summary>
    public void UseDataParallel(Distributed.DataParallelGroup group)
    {
        GradientReducer = group.Size > 1 ? group.GradientReducer(Backend) : null;
        Eager.GradientReducer = GradientReducer;
    }

    /// <summary>Device bytes eager ops have requested so far (from the cache or fresh).</summary>
    public long EagerBytesRequested => Eager.BytesRequested;

    /// <summary>Puts every parameter of <paramref name="network"/> into one device block, initialised with its initial values.</summary>
    public void Place(Cell network) => PlaceBlock(network.TrainableParams(), "the network is already placed on a session");

    /// <summary>Puts an optimizer's state (if it keeps any) into one device block, where it persists between steps.</summary>
    public void Place(Optim.IOptimizer optimizer) => PlaceBlock(optimizer.State, "the optimizer's state is already placed on a session");

    /// <summary>Puts free-standing parameters (ones no placed cell owns) into one device block, initialised with their initial values.</summary>
    public void Place(IReadOnlyList<Parameter> parameters) => PlaceBlock(parameters, "a parameter is already placed on a session");

    private void PlaceBlock(IReadOnlyList<Parameter> parameters, string alreadyPlaced)
    {
        if (parameters.Count == 0) return; // nothing to hold (plain SGD keeps no state)
        if (parameters.Any(p => p.Eager is not null)) throw new InvalidOperationException(alreadyPlaced);
        blocks.Add(new ParameterBlock(Backend, parameters, Eager));
    }

    /// <summary>Copies a host tensor to the device as an eager tensor that lives until <see cref="EndStep"/>.</summary>
    public Tensor ToDevice(HostTensor host)
    {
        var tensor = Eager.NewTensor(new TensorType(host.Shape, host.DType));
        Upload(host, tensor.DeviceMemory);
        return tensor;
    }

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

    /// <summary>Ends an eager step: every tensor made since the last call goes back to the memory pool.</summary>
    public void EndStep() => Eager.EndStep();

    /// <summary>Frees the eager memory and the parameter blocks, and closes the backend.</summary>
    public void Dispose()
    {
        Eager.Dispose();
        foreach (var b in blocks) b.Dispose();
        Backend.Dispose();
    }
}
