using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Batched matrix products, one output element at a time: its K products summed in order p = 0..K-1 from zero (a plain
/// loop, not the tuned GEMM), so the bits match the ILGPU kernel and do not depend on the thread count.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    [TableKernel(FamilyKeys.BatchMatMul)]
    private Action? BindBatchMatMul(KernelCall call)
    {
        var shape = BatchMatMulShape.For(call.InputShapes[0], call.InputShapes[1], call.Axes[0] != 0, call.Axes[1] != 0);
        if (shape.Count == 0) return null;
        var work = new RangeWork<BatchMatMulRange> { Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, shape.K)) };
        var op = new BatchMatMulRange(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Outputs[0].Float(), shape);
        return () => RunRange(work, op, shape.Count);
    }

    private readonly struct BatchMatMulRange(float* a, float* b, float* y, BatchMatMulShape s) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                s.Bases((int)i, out int pa, out int pb);
                float acc = 0f;
                for (int p = 0; p < s.K; p++, pa += s.AStrideP, pb += s.BStrideP)
                {
                    float product = a[pa] * b[pb];
                    acc += product;
                }
                y[i] = acc;
            }
        }
    }
}
