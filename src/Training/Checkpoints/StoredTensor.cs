namespace Trainer.Training.Checkpoints;

/// <summary>
/// One tensor as a weights file stores it, whatever the format: its name in the file, its element type as the file
/// names it (<c>F16</c>, <c>Float32</c>, <c>I64</c>, ...), the <see cref="FloatEncoding"/> that type is when it is a
/// floating-point type the loader converts (null otherwise), its shape, and its little-endian bytes, already checked
/// to be exactly the shape's element count times the element size.
/// </summary>
public sealed record StoredTensor(string Name, string Dtype, FloatEncoding? Encoding, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>The shape as messages write it: <c>[512, 784]</c>, <c>[]</c> for a scalar.</summary>
    public string ShapeText => SafeTensorsEntry.Format(Shape);
}
