namespace Trainer.Kernels.Cpu;

/// <summary>What a multi-tensor update does on one segment: elements [from, to) of the tensor the table row describes.</summary>
internal unsafe interface ISegmentOp
{
    void Run(int* row, long from, long to);
}

/// <summary>
/// The walk every multi-tensor update shares: its tasks are chunks [start, end) of the segments laid
/// end to end, and a chunk may start and end inside segments. Each table row holds offsets, then the
/// segment's length last.
/// </summary>
internal static unsafe class SegmentWalk
{
    public static void Run<TOp>(int* segments, int rowWidth, int segmentCount, long start, long end, TOp op) where TOp : struct, ISegmentOp
    {
        long before = 0;
        for (int s = 0; s < segmentCount && before < end; s++)
        {
            int* row = segments + (long)rowWidth * s;
            int length = row[rowWidth - 1];
            long from = Math.Max(start, before) - before, to = Math.Min(end, before + length) - before;
            if (from < to) op.Run(row, from, to);
            before += length;
        }
    }
}
