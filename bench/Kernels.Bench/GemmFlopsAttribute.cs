namespace Trainer.Kernels.Bench;

/// <summary>The GEMM an otherwise shape-less benchmark method performs, for the GFLOP/s column.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GemmFlopsAttribute(int m, int n, int k) : Attribute
{
    public long Flops { get; } = 2L * m * n * k;
}
