namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The MLP's six parameters (W1, b1, W2, b2, W3, b3 of 784-512-512-10) laid out as a multi-tensor
/// optimizer launch sees them: <see cref="Blocks"/> state blocks (the parameters, then the
/// accumulations or moments), each with a gap of a few elements before every tensor and a
/// different gap per block, and the gradients in an arena in another order. <see cref="Segments"/>
/// is the launch's table: per tensor its offset in every block, its offset in the arena and its
/// length, in elements.
/// </summary>
internal sealed class MultiTensorLayout
{
    private static readonly int[] ArenaOrder = [5, 3, 1, 4, 2, 0];

    /// <summary>The tensors' lengths, in the order of the segment table.</summary>
    public static readonly int[] Lengths = [784 * 512, 512, 512 * 512, 512, 512 * 10, 10];

    public MultiTensorLayout(int blocks)
    {
        Blocks = blocks;
        int fields = blocks + 2;
        Segments = new int[Lengths.Length * fields];
        BlockLengths = new int[blocks];
        Owner = new int[blocks][];
        for (int b = 0; b < blocks; b++)
        {
            int length = 0;
            for (int s = 0; s < Lengths.Length; s++)
            {
                length += 3 + s + 2 * b;
                Segments[s * fields + b] = length;
                length += Lengths[s];
            }
            BlockLengths[b] = length + 5;
            Owner[b] = new int[BlockLengths[b]];
            Array.Fill(Owner[b], -1);
        }
        foreach (int s in ArenaOrder)
        {
            ArenaLength += 2;
            Segments[s * fields + blocks] = ArenaLength;
            ArenaLength += Lengths[s];
        }
        for (int s = 0; s < Lengths.Length; s++)
        {
            Segments[s * fields + blocks + 1] = Lengths[s];
            for (int b = 0; b < blocks; b++)
                for (int i = 0; i < Lengths[s]; i++)
                    Owner[b][Segments[s * fields + b] + i] = Segments[s * fields + blocks] + i;
        }
    }

    public int Blocks { get; }

    public int[] Segments { get; }

    public int[] BlockLengths { get; }

    public int ArenaLength { get; }

    public int Count => Lengths.Length;

    public int Total => Lengths.Sum();

    /// <summary>Per block and element, the arena index of the gradient that updates it, or −1 where no segment covers it.</summary>
    public int[][] Owner { get; }
}
