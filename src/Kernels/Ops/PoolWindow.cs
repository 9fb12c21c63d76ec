namespace Trainer.Kernels.Ops;

/// <summary>
/// The index arithmetic max pooling shares between backends and kernels: where a window starts, and
/// which windows can cover an input element. Pure functions of the shape, usable in ILGPU kernels.
/// </summary>
public static class PoolWindow
{
    /// <summary>The first output row (or column) whose window covers input row <paramref name="i"/>.</summary>
    public static int FirstCovering(int i, int kernel, int stride) => i < kernel ? 0 : (i - kernel) / stride + 1;

    /// <summary>The last output row (or column) whose window covers input row <paramref name="i"/>, capped at <paramref name="outputs"/> − 1.</summary>
    public static int LastCovering(int i, int stride, int outputs) => Math.Min(i / stride, outputs - 1);
}
