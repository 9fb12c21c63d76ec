namespace Trainer.Kernels.Ops;

/// <summary>The constants of <see cref="KernelKeys.ImageNormalize"/>: y = ((pixel·Scale + Shift) − Mean)/Std in float32 steps.</summary>
/// <param name="Scale">Multiplies the byte value.</param>
/// <param name="Shift">Added after scaling.</param>
/// <param name="Mean">Subtracted next.</param>
/// <param name="Std">Divides last.</param>
public sealed record ImageNormalizeAttributes(float Scale, float Shift, float Mean, float Std);
