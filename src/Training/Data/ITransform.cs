namespace Trainer.Training.Data;

/// <summary>
/// One per-row operation of a <see cref="MapDataset"/> stage, applied to a single column's tensor.
/// </summary>
/// <remarks>
/// Implementations must not modify the input tensor (a pipeline may hand the same instance to several
/// consumers) and must return a tensor that owns fresh storage. Errors are <see cref="DatasetException"/>s
/// whose one-line message starts with <see cref="Name"/>.
/// </remarks>
public interface ITransform
{
    /// <summary>The transform's name as it appears in error messages, e.g. <c>Normalize</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The shape <see cref="Apply"/> produces for an input of <paramref name="inputShape"/>, without
    /// touching any data.
    /// </summary>
    /// <exception cref="DatasetException">The transform cannot accept an input of that shape.</exception>
    int[] OutputShape(int[] inputShape);

    /// <summary>Computes the transformed tensor.</summary>
    /// <exception cref="DatasetException">The transform cannot accept the input's shape or element type.</exception>
    HostTensor Apply(HostTensor input);
}
