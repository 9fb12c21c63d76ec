using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>ArgMax along one axis: the index (int32) of the first largest element of each line.</summary>
public sealed unsafe partial class CpuBackend
{
    [TableKernel(FamilyKeys.ArgMax)]
    private Action? BindArgMax(KernelCall call)
    {
        var (outer, n, inner) = ArgMaxShape.Of(call.InputShapes[0], call.Axes[0]);
        long count = (long)outer * inner;
        if (count == 0) return null;
        var work = new RangeWork<ArgMaxRange> { Chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, n)) };
        var op = new ArgMaxRange(call.Inputs[0].Float(), call.Outputs[0].Int(), n, inner);
        return () => RunRange(work, op, count);
    }

    private readonly struct ArgMaxRange(float* x, int* y, int n, int inner) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long o = start; o < end; o++)
            {
                long outer = o / inner, i = o % inner;
                float* p = x + outer * n * inner + i;
                float best = p[0];
                int index = 0;
                for (int j = 1; j < n; j++)
                    if (p[(long)j * inner] > best)
                    {
                        best = p[(long)j * inner];
                        index = j;
                    }
                y[o] = index;
            }
        }
    }
}
