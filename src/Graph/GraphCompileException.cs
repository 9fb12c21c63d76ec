namespace Trainer.Graph;

/// <summary>
/// A step that cannot be compiled: an op without a gradient rule, shapes that do not fit,
/// data-dependent control flow, a cycle, an unordered read and write. The message names the op
/// (and its shapes) so the user can find the line that made it.
/// </summary>
public sealed class GraphCompileException(string message) : Exception(message);
