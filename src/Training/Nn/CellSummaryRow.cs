namespace Trainer.Training.Nn;

/// <summary>
/// One cell call in a <see cref="CellSummary"/>: the cell's dotted name in the tree ("-" for a cell
/// used but not registered), its class name, its depth in the call tree, its output shape, the
/// elements of its parameters (its children's included; null when the same cell was counted at an
/// earlier call) and the floating-point operations of the call (null where an op defines no count).
/// </summary>
public sealed record CellSummaryRow(string Name, string Type, int Depth, int[] OutputShape, long? Parameters, long? Flops);
