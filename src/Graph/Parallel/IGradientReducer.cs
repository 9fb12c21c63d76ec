using Trainer.Kernels.Device;

namespace Trainer.Graph.Parallel;

/// <summary>
/// What a compiled step's <see cref="Ir.OpKind.AllReduce"/> calls to average the step's gradients over every
/// process: the Graph layer's whole contract with a communication library, so the graph holds no MPI (or NCCL)
/// type. Supplied when a program is bound (<see cref="Compilation.CompiledGraph.Bind"/>); a single process has none
/// and its graph has no AllReduce.
/// </summary>
public interface IGradientReducer
{
    /// <summary>How many processes take part; must equal the world size the program was compiled for.</summary>
    int WorldSize { get; }

    /// <summary>
    /// Writes into each gradient's <c>Mean</c> buffer the mean over the global batch of all processes of the
    /// first <c>Floats</c> float32 values of its <c>Gradient</c> buffer (the two may be the same buffer), as one
    /// collective for all of them (one all-reduce a step, not one a gradient). Every process passes the same sizes
    /// in the same order (the step's schedule); it returns when the means are in their buffers.
    /// </summary>
    void AllReduceMean(ReadOnlySpan<GradientBuffer> gradients);
}

/// <summary>One gradient an <see cref="IGradientReducer"/> averages: where it is, where its mean goes (the same buffer to average in place), and how many float32 values.</summary>
public readonly record struct GradientBuffer(DeviceBuffer Gradient, DeviceBuffer Mean, long Floats)
{
    /// <summary>A gradient averaged in place.</summary>
    public GradientBuffer(DeviceBuffer gradient, long floats) : this(gradient, gradient, floats) { }
}
