namespace Trainer.Training.Data;

/// <summary>
/// The contents of one unsigned-byte IDX file (the MNIST file format).
/// </summary>
/// <param name="Magic">The big-endian magic number from the header, e.g. 0x00000803 for 3-D image data.
/// Its low byte is the number of dimensions and its third byte is 0x08 (unsigned byte).</param>
/// <param name="Dimensions">The sizes from the header, outermost first; for MNIST images
/// <c>[count, rows, cols]</c>, for labels <c>[count]</c>. All non-negative.</param>
/// <param name="Data">The elements in row-major order; its length is exactly the product of <paramref name="Dimensions"/>.</param>
internal sealed record IdxFile(int Magic, int[] Dimensions, byte[] Data);
