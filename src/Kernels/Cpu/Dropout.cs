using System.Runtime.Intrinsics.X86;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Dropout's kernels (<see cref="DropoutKeys"/>): each task computes whole Philox blocks, four elements per block,
/// so an element's factor depends only on (seed, step, index), never on which worker or chunk computed it.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// Blocks of four elements per task: as many elements as an elementwise task, so a hidden layer of the batch-64 MLP
    /// (32,768 elements, about 0.15 ms of AVX2 Philox) runs on the calling thread; waking the pool's workers for
    /// smaller tasks cost more than it saved (1.2 ms a launch measured with 2,048-block tasks, 0.14 ms of work).
    /// </summary>
    private const int DropoutBlocksPerTask = ElementwiseChunk / 4;

    private void RegisterDropout(KernelTable table)
    {
        table.Register(DropoutKeys.Dropout, BindDropout);
        table.Register(DropoutKeys.DropoutGrad, BindDropoutGrad);
    }

    private Action? BindDropout(KernelCall call)
    {
        long count = KernelCall.ElementCount(call.InputShapes[0]);
        float* x = call.Inputs[0].Float(), state = call.Inputs[1].Float();
        float* y = call.Outputs[0].Float(), next = call.Outputs[1].Float();
        uint threshold = DropoutMask.Threshold(call.Scalar);
        float scale = DropoutMask.Scale(call.Scalar);
        var work = new RangeWork<DropoutRange> { Chunk = DropoutBlocksPerTask };
        return () =>
        {
            ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
            ulong step = DropoutMask.Next(DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]));
            for (int i = 0; i < DropoutMask.StepOffset; i++) next[i] = state[i];
            next[DropoutMask.StepOffset] = DropoutMask.StepLow(step);
            next[DropoutMask.StepOffset + 1] = DropoutMask.StepHigh(step);
            if (count > 0) RunRange(work, new DropoutRange(x, y, count, key, step, threshold, scale), (count + 3) / 4);
        };
    }

    private Action? BindDropoutGrad(KernelCall call)
    {
        long count = KernelCall.ElementCount(call.InputShapes[0]);
        if (count == 0) return null;
        float* dy = call.Inputs[0].Float(), state = call.Inputs[1].Float(), dx = call.Outputs[0].Float();
        uint threshold = DropoutMask.Threshold(call.Scalar);
        float scale = DropoutMask.Scale(call.Scalar);
        var work = new RangeWork<DropoutRange> { Chunk = DropoutBlocksPerTask };
        return () =>
        {
            ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
            ulong step = DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]);
            RunRange(work, new DropoutRange(dy, dx, count, key, step, threshold, scale), (count + 3) / 4);
        };
    }

    /// <summary>
    /// y = x·factor over blocks [start, end) of four elements; the last block may be partial. With AVX2, four blocks at a
    /// time (<see cref="PhiloxAvx2"/>, the same words as the scalar <see cref="Philox4x32"/>), then the rest one by one.
    /// </summary>
    private readonly struct DropoutRange(float* x, float* y, long count, ulong key, ulong step, uint threshold, float scale) : IRangeOp
    {
        public void Run(long start, long end)
        {
            long block = start;
            if (Avx2.IsSupported)
            {
                for (; block + 4 <= end && (block + 4) * 4 <= count; block += 4)
                    PhiloxAvx2.Apply(key, step, block, x + block * 4, y + block * 4, threshold, scale);
            }
            for (; block < end; block++)
            {
                var w = DropoutMask.Words(key, step, block);
                long i = block * 4;
                y[i] = x[i] * DropoutMask.Factor(w.X0, threshold, scale);
                if (i + 3 < count)
                {
                    y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
                    y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
                    y[i + 3] = x[i + 3] * DropoutMask.Factor(w.X3, threshold, scale);
                    continue;
                }
                if (i + 1 < count) y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
                if (i + 2 < count) y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
            }
        }
    }
}
