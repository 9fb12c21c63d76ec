using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>One-hot rows: the on value written at each row's index, where the index lies inside the row.</summary>
public sealed unsafe partial class CpuBackend
{
    [TableKernel(FamilyKeys.OneHot)]
    private Action? BindOneHot(KernelCall call)
    {
        int rows = call.OutputShapes[0][0], depth = call.OutputShapes[0][1];
        if (rows == 0 || depth == 0) return null;
        var work = new RangeWork<OneHotRange>();
        var op = new OneHotRange(call.Inputs[0].Int(), call.Outputs[0].Float(), depth, call.Scalar);
        return () => RunRange(work, op, rows);
    }

    private readonly struct OneHotRange(int* indices, float* y, int depth, float on) : IRangeOp
    {
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                int index = indices[r];
                if (index >= 0 && index < depth) y[r * depth + index] = on;
            }
        }
    }
}
