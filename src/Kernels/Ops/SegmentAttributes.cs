namespace Trainer.Kernels.Ops;

/// <summary>What a multi-tensor optimizer update takes besides its buffers: how many segments its table holds and their total length.</summary>
/// <param name="SegmentCount">Rows of the segment table.</param>
/// <param name="TotalElements">The sum of the segments' lengths.</param>
public sealed record SegmentAttributes(int SegmentCount, int TotalElements);
