using Trainer.Graph.Ir;
using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// One tensor read back right after the launch that made it: a node's output, or a parameter an
/// update wrote in place. <see cref="Key"/> names it the same way in both runs of a parity check
/// (<c>%17.0</c>: output 0 of traced node 17; <c>param fc1.weight</c>: that parameter after its update).
/// </summary>
internal sealed record StepObservation(string Key, string Node, string What, TensorType Type, float[] Values);
