using Trainer.Kernels.Device;

namespace Trainer.Training;

/// <summary>
/// One device allocation holding every parameter of a network, each at a 256-byte aligned offset.
/// One block lets the compiled step update all parameters in a single launch, and makes
/// snapshots and checkpoints one copy.
/// </summary>
internal sealed class ParameterBlock : IDisposable
{
    private const int Alignment = 256;
    private readonly IKernelBackend backend;

    public ParameterBlock(IKernelBackend backend, IReadOnlyList<Parameter> parameters, Execution.EagerExecutor owner)
    {
        this.backend = backend;
        var offsets = new long[parameters.Count];
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            offsets[i] = total;
            total += (parameters[i].Type.ByteCount + Alignment - 1) / Alignment * Alignment;
        }
        Buffer = backend.Allocate(total);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var slice = Buffer.Slice(offsets[i], p.Type.ByteCount);
            backend.Upload<float>(slice, p.InitialValue);
            p.Place(slice, owner);
        }
        Parameters = parameters;
    }

    public DeviceBuffer Buffer { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public void Dispose() => backend.Free(Buffer);
}
