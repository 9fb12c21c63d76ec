using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Dropout's kernels (<see cref="DropoutKeys"/>): each thread computes whole Philox blocks of four elements with a
/// grid stride, so an element's factor depends only on (seed, step, index), not on the launch geometry. The index and
/// the blocks are those of the whole the tensor is a slice of (<see cref="DropoutSlice"/>).
/// </summary>
public sealed partial class IlgpuBackend
{
    private void RegisterDropout(KernelTable table)
    {
        var forward = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            long, long, uint, float, int>(DropoutKernel));
        table.Register(DropoutKeys.Dropout, call =>
        {
            long count = KernelCall.ElementCount(call.InputShapes[0]);
            long first = DropoutSlice.FirstElementOf(call, DropoutKeys.Dropout);
            var kernel = forward.Value;
            ArrayView<float> x = call.Inputs[0].Float(), state = call.Inputs[1].Float(), y = call.Outputs[0].Float(), next = call.Outputs[1].Float();
            uint threshold = DropoutMask.Threshold(call.Scalar);
            float scale = DropoutMask.Scale(call.Scalar);
            int t = Threads(checked((int)Math.Max(1, MaskBlocks(count, first))));
            return () => kernel(t, x, state, y, next, count, first, threshold, scale, t);
        });
        var backward = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            long, long, uint, float, int>(DropoutGradKernel));
        table.Register(DropoutKeys.DropoutGrad, call =>
        {
            long count = KernelCall.ElementCount(call.InputShapes[0]);
            if (Empty(count)) return null;
            long first = DropoutSlice.FirstElementOf(call, DropoutKeys.DropoutGrad);
            var kernel = backward.Value;
            ArrayView<float> dy = call.Inputs[0].Float(), state = call.Inputs[1].Float(), dx = call.Outputs[0].Float();
            uint threshold = DropoutMask.Threshold(call.Scalar);
            float scale = DropoutMask.Scale(call.Scalar);
            int t = Threads(checked((int)MaskBlocks(count, first)));
            return () => kernel(t, dy, state, dx, count, first, threshold, scale, t);
        });
    }

    /// <summary>y = x·factor at the step after the state's; thread 0 also writes the next state (a buffer of its own).</summary>
    internal static void DropoutKernel(Index1D thread, ArrayView<float> x, ArrayView<float> state, ArrayView<float> y, ArrayView<float> next,
        long count, long first, uint threshold, float scale, int stride)
    {
        ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
        ulong step = DropoutMask.Next(DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]));
        if (thread == 0)
        {
            for (int i = 0; i < DropoutMask.StepOffset; i++) next[i] = state[i];
            next[DropoutMask.StepOffset] = DropoutMask.StepLow(step);
            next[DropoutMask.StepOffset + 1] = DropoutMask.StepHigh(step);
        }
        ApplyMask(thread, x, y, count, first, key, step, threshold, scale, stride);
    }

    /// <summary>dx = dy·factor at the state's step: the forward kernel's mask, recomputed.</summary>
    internal static void DropoutGradKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> state, ArrayView<float> dx,
        long count, long first, uint threshold, float scale, int stride)
    {
        ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
        ulong step = DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]);
        ApplyMask(thread, dy, dx, count, first, key, step, threshold, scale, stride);
    }

    /// <summary>Blocks of the whole holding a slice of <paramref name="count"/> elements from whole element <paramref name="first"/>.</summary>
    private static long MaskBlocks(long count, long first) => ((first & 3) + count + 3) / 4;

    /// <summary>
    /// y = x·factor over the slice: local block b is the whole's block first / 4 + b, its word k the factor of local
    /// element 4·b + k − first mod 4 where that lies in [0, count).
    /// </summary>
    private static void ApplyMask(int thread, ArrayView<float> x, ArrayView<float> y, long count, long first, ulong key, ulong step,
        uint threshold, float scale, int stride)
    {
        long lead = first & 3;
        long blocks = (lead + count + 3) / 4;
        for (long block = thread; block < blocks; block += stride)
        {
            var w = DropoutMask.Words(key, step, (first >> 2) + block);
            long i = block * 4 - lead;
            if (i >= 0) y[i] = x[i] * DropoutMask.Factor(w.X0, threshold, scale);
            if (i + 1 >= 0 && i + 1 < count) y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
            if (i + 2 >= 0 && i + 2 < count) y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
            if (i + 3 < count) y[i + 3] = x[i + 3] * DropoutMask.Factor(w.X3, threshold, scale);
        }
    }
}
