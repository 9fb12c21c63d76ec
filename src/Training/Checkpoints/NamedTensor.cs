namespace Trainer.Training.Checkpoints;

/// <summary>
/// A float32 tensor to write into a checkpoint: its name, its shape (empty for a scalar) and its elements in
/// row-major order. <see cref="SafeTensors.Write"/> checks that the shape's product equals <c>Data.Length</c>.
/// Record equality compares the arrays by reference.
/// </summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);
