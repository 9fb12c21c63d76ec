namespace Trainer.Kernels.Cpu;

/// <summary>
/// An elementwise kernel body as a struct (ILGPU's struct-op idiom): its pointers and scalars are
/// fields, and <see cref="Run"/> does elements [start, end). <see cref="RangeWork{TOp}"/> spreads
/// it over the pool; being a struct, it is specialised and inlined, with no virtual call per element.
/// </summary>
internal interface IRangeOp
{
    void Run(long start, long end);
}

/// <summary>The pool work that runs an <see cref="IRangeOp"/> over its tasks.</summary>
internal sealed class RangeWork<TOp> : RangeWork where TOp : struct, IRangeOp
{
    public TOp Op;

    protected override void Run(long start, long end) => Op.Run(start, end);
}
