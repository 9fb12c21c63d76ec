namespace Trainer.Training.Checkpoints;

/// <summary>
/// One tensor as a safetensors header describes it: name, dtype (e.g. <c>F32</c>), shape, and its byte range
/// [<see cref="Begin"/>, <see cref="End"/>) relative to the start of the data section (the byte after the header).
/// </summary>
public sealed record SafeTensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as the error messages write it: <c>[120, 400]</c>, <c>[]</c> for a scalar.</summary>
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
