using Trainer.Graph.Parallel;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// What binding a compiled step offers an op beyond its buffers: the backend, and for a
/// data-parallel step the gradient reducer its AllReduce nodes call (null for one process).
/// </summary>
public sealed record BindContext(IKernelBackend Backend, IGradientReducer? Reducer = null);
