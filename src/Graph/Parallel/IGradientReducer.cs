using Trainer.Kernels.Device;

namespace Trainer.Graph.Parallel;

/// <summary>
/// What a compiled step's <see cref="Ir.OpKind.AllReduce"/> calls to average a gradient over every
/// process: the Graph layer's whole contract with a communication library, so the graph holds no
/// MPI (or NCCL) type. Supplied when a program is bound (<see cref="Compilation.CompiledGraph.Bind"/>);
/// a single process has none and its graph has no AllReduce.
/// </summary>
public interface IGradientReducer
{
    /// <summary>How many processes take part; must equal the world size the program was compiled for.</summary>
    int WorldSize { get; }

    /// <summary>
    /// Replaces the first <paramref name="floats"/> float32 values of <paramref name="buffer"/>, on
    /// every process, with their mean over all processes. Every process calls it for the same
    /// buffers in the same order (the step's schedule); it returns when the mean is in the buffer.
    /// </summary>
    void AllReduceMean(DeviceBuffer buffer, long floats);
}
