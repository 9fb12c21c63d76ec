using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Dropout's kernels (<see cref="DropoutKeys"/>): each thread computes whole Philox blocks of four elements with a
/// grid stride, so an element's factor depends only on (seed, step, index), not on the launch geometry.
/// </summary>
public sealed partial class IlgpuBackend
{
    private void RegisterDropout(KernelTable table)
    {
        var forward = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            long, uint, float, int>(DropoutKernel));
        table.Register(DropoutKeys.Dropout, call =>
        {
            long count = KernelCall.ElementCount(call.InputShapes[0]);
            var kernel = forward.Value;
            ArrayView<float> x = call.Inputs[0].Float(), state = call.Inputs[1].Float(), y = call.Outputs[0].Float(), next = call.Outputs[1].Float();
            uint threshold = DropoutMask.Threshold(call.Scalar);
            float scale = DropoutMask.Scale(call.Scalar);
            int t = Threads(checked((int)Math.Max(1, (count + 3) / 4)));
            return () => kernel(t, x, state, y, next, count, threshold, scale, t);
        });
        var backward = Compiled(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            long, uint, float, int>(DropoutGradKernel));
        table.Register(DropoutKeys.DropoutGrad, call =>
        {
            long count = KernelCall.ElementCount(call.InputShapes[0]);
            if (Empty(count)) return null;
            var kernel = backward.Value;
            ArrayView<float> dy = call.Inputs[0].Float(), state = call.Inputs[1].Float(), dx = call.Outputs[0].Float();
            uint threshold = DropoutMask.Threshold(call.Scalar);
            float scale = DropoutMask.Scale(call.Scalar);
            int t = Threads(checked((int)((count + 3) / 4)));
            return () => kernel(t, dy, state, dx, count, threshold, scale, t);
        });
    }

    /// <summary>y = x·factor at the step after the state's; thread 0 also writes the next state (a buffer of its own).</summary>
    internal static void DropoutKernel(Index1D thread, ArrayView<float> x, ArrayView<float> state, ArrayView<float> y, ArrayView<float> next,
        long count, uint threshold, float scale, int stride)
    {
        ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
        ulong step = DropoutMask.Next(DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]));
        if (thread == 0)
        {
            for (int i = 0; i < DropoutMask.StepOffset; i++) next[i] = state[i];
            next[DropoutMask.StepOffset] = DropoutMask.StepLow(step);
            next[DropoutMask.StepOffset + 1] = DropoutMask.StepHigh(step);
        }
        ApplyMask(thread, x, y, count, key, step, threshold, scale, stride);
    }

    /// <summary>dx = dy·factor at the state's step: the forward kernel's mask, recomputed.</summary>
    internal static void DropoutGradKernel(Index1D thread, ArrayView<float> dy, ArrayView<float> state, ArrayView<float> dx,
        long count, uint threshold, float scale, int stride)
    {
        ulong key = DropoutMask.Key(state[0], state[1], state[2], state[3]);
        ulong step = DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]);
        ApplyMask(thread, dy, dx, count, key, step, threshold, scale, stride);
    }

    private static void ApplyMask(int thread, ArrayView<float> x, ArrayView<float> y, long count, ulong key, ulong step,
        uint threshold, float scale, int stride)
    {
        long blocks = (count + 3) / 4;
        for (long block = thread; block < blocks; block += stride)
        {
            var w = DropoutMask.Words(key, step, block);
            long i = block * 4;
            y[i] = x[i] * DropoutMask.Factor(w.X0, threshold, scale);
            if (i + 1 < count) y[i + 1] = x[i + 1] * DropoutMask.Factor(w.X1, threshold, scale);
            if (i + 2 < count) y[i + 2] = x[i + 2] * DropoutMask.Factor(w.X2, threshold, scale);
            if (i + 3 < count) y[i + 3] = x[i + 3] * DropoutMask.Factor(w.X3, threshold, scale);
        }
    }
}
