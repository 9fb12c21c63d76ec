namespace Trainer.Graph.Ops;

/// <summary>
/// A kernel with its buffers and sizes fixed: what a launch plan holds and replays. Binding does
/// all the work that does not change from step to step, so <see cref="Launch"/> only launches.
/// </summary>
public sealed class BoundKernel(string name, Action launch, IDisposable? resources = null) : IDisposable
{
    /// <summary>The kernel's name, as the schedule printout shows it.</summary>
    public string Name { get; } = name;

    /// <summary>Launches the kernel on its fixed buffers.</summary>
    public void Launch() => launch();

    /// <summary>Releases what the binding holds (scratch, uploaded tables).</summary>
    public void Dispose() => resources?.Dispose();
}
