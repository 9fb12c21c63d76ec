using System.Runtime.Intrinsics.X86;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Dropout's kernels (<see cref="DropoutKeys"/>): each task computes whole Philox blocks, four elements per block,
/// so an element's factor depends only on (seed, step, index), never on which worker or chunk computed it. The index
/// is the element's in the whole the tensor is a slice of (<see cref="DropoutSlice"/>): the blocks are the whole's,
/// so with a first element that is not a multiple of four the first and last blocks are partial.
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
        long first = DropoutSlice.FirstElementOf(call, DropoutKeys.Dropout);
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
            if (count > 0) RunRange(work, new DropoutRange(x, y, count, first, key, step, threshold, scale), DropoutRange.Blocks(count, first));
        };
    }

    private Action? BindDropoutGrad(KernelCall call)
    {
        long count = KernelCall.ElementCount(call.InputShapes[0]);
        if (count == 0) return null;
        long first = DropoutSlice.FirstElementOf(call, DropoutKeys.DropoutGrad);
        float* dy = call.Inputs[0].Float(), state = call.Inputs[1].Float(), dx = call.Outputs[0].Float();
        uint threshold = DropoutMask.Threshold(call.Scalar);
        float scale = DropoutMask.Scale(call.Scalar);
        var work = new RangeWork<DropoutRange> { Chunk = DropoutBlocksPerTask };
        return () =>
        {
            ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
            ulong step = DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]);
            RunRange(work, new DropoutRange(dy, dx, count, first, key, step, threshold, scale), DropoutRange.Blocks(count, first));
        };
    }

    /// <summary>
    /// y = x·factor over blocks [start, end) of four elements of the whole, counted from the block holding the tensor's
    /// element 0 (whole element <paramref name="first"/>); the first block may start before the tensor and the last end
    /// after it. With AVX2, four blocks at a time where all sixteen elements are the tensor's (<see cref="PhiloxAvx2"/>,
    /// the same words as the scalar <see cref="Philox4x32"/>), the rest block by block.
    /// </summary>
    private readonly struct DropoutRange(float* x, float* y, long count, long first, ulong key, ulong step, uint threshold, float scale) : IRangeOp
    {
        /// <summary>Blocks of the whole that hold the tensor's <paramref name="count"/> elements from whole element <paramref name="first"/>.</summary>
        public static long Blocks(long count, long first) => ((first & 3) + count + 3) / 4;

        public void Run(long start, long end)
        {
            long lead = first & 3, firstBlock = first >> 2; // elements of the first block before the tensor's element 0
            long block = start;
            if (Avx2.IsSupported)
            {
                if (block == 0 && lead != 0 && block < end) Scalar(block++, lead);
                for (; block + 4 <= end && (block + 4) * 4 - lead <= count; block += 4)
                    PhiloxAvx2.Apply(key, step, firstBlock + block, x + (block * 4 - lead), y + (block * 4 - lead), threshold, scale);
            }
            for (; block < end; block++) Scalar(block, lead);
        }

        private void Scalar(long block, long lead)
        {
            var w = DropoutMask.Words(key, step, (first >> 2) + block);
            long i = block * 4 - lead;
            if (i >= 0 && i + 3 < count)
            {
                y[i] = x[i] * DropoutMask.Factor(w.X0, threshold, scale);
                y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
                y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
                y[i + 3] = x[i + 3] * DropoutMask.Factor(w.X3, threshold, scale);
                return;
            }
            if (i >= 0 && i < count) y[i] = x[i] * DropoutMask.Factor(w.X0, threshold, scale);
            if (i + 1 >= 0 && i + 1 < count) y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
            if (i + 2 >= 0 && i + 2 < count) y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
            if (i + 3 >= 0 && i + 3 < count) y[i + 3] = x[i + 3] * DropoutMask.Factor(w.X3, threshold, scale);
        }
    }
}
