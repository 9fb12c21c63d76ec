namespace Trainer.Graph.Ops;

/// <summary>
/// A kernel with its buffers and sizes fixed: what a launch plan holds and replays. Binding does
/// all the work that does not change from step to step, so <see cref="Launch"/> only launches.
/// </summary>
public sealed class BoundKernel(string name, Action launch, IDisposable? resources = null) : IDisposable
{
    public string Name { get; } = name;

    public void Launch() => launch();

    public void Dispose() => resources?.Dispose();
}
