namespace Trainer.Kernels.Rng;

/// <summary>The four 32-bit words of one Philox4x32 block, a value (so kernels keep it in registers).</summary>
/// <param name="X0">Word 0.</param>
/// <param name="X1">Word 1.</param>
/// <param name="X2">Word 2.</param>
/// <param name="X3">Word 3.</param>
public readonly record struct PhiloxWords(uint X0, uint X1, uint X2, uint X3);
