using Trainer.Kernels.Device;
using Trainer.Kernels.Families;
using static Trainer.Kernels.Reference.BroadcastIndex;

namespace Trainer.Kernels.SelfTest;

/// <summary>The checks of the window kernels (<c>slice</c>, <c>slice_grad</c>, <c>place</c>) against index loops written here.</summary>
public static partial class KernelSelfTest
{
    [SelfTestChecks]
    private static void AddSliceChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        add($"{FamilyKeys.Slice} 7x65x63 at 2,1,0 size 3x63x62", (b, r) => CheckSlice(b, r, [7, 65, 63], [2, 1, 0], [3, 63, 62], grad: false));
        add($"{FamilyKeys.SliceGrad} 7x65x63 at 2,1,0 size 3x63x62", (b, r) => CheckSlice(b, r, [7, 65, 63], [2, 1, 0], [3, 63, 62], grad: true));
        add($"{FamilyKeys.Place} 3x63x62 into 7x65x63 at 2,1,0", (b, r) => CheckPlace(b, r, [7, 65, 63], [2, 1, 0], [3, 63, 62]));
    }

    /// <summary>Copies the window out of a full tensor, or (<paramref name="grad"/>) writes a window-shaped tensor into zeros.</summary>
    private static SelfTestResult CheckSlice(IKernelBackend backend, Random rng, int[] full, int[] begin, int[] window, bool grad)
    {
        int[] inShape = grad ? window : full, outShape = grad ? full : window;
        var x = Uniform(rng, Count(inShape));
        int n = Count(outShape);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var dy = buffers.Output(n);
        var launch = backend.Kernels.Bind(grad ? FamilyKeys.SliceGrad : FamilyKeys.Slice, Call([dx], [inShape], dy, outShape) with { Axes = begin });
        double ms = Time(backend, launch);
        var expected = new double[n];
        var fullIndex = new int[full.Length];
        for (int i = 0; i < Count(full); i++)
        {
            Unravel(i, full, fullIndex);
            bool inside = true;
            int w = 0;
            for (int axis = 0; axis < full.Length; axis++)
            {
                int k = fullIndex[axis] - begin[axis];
                inside &= k >= 0 && k < window[axis];
                w = w * window[axis] + k;
            }
            if (grad) expected[i] = inside ? x[w] : 0;
            else if (inside) expected[w] = x[i];
        }
        return CompareOutput(buffers, dy, n, expected, _ => 0, ms);
    }

    /// <summary>Writes a window-shaped tensor into an output filled with a sentinel, which must survive outside the window.</summary>
    private static SelfTestResult CheckPlace(IKernelBackend backend, Random rng, int[] full, int[] begin, int[] window)
    {
        var x = Uniform(rng, Count(window));
        int n = Count(full);
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var before = Uniform(rng, n);
        var initial = new float[n + Guard];
        Array.Fill(initial, Sentinel);
        before.CopyTo(initial, 0);
        var dy = buffers.Put(initial);
        var launch = backend.Kernels.Bind(FamilyKeys.Place, Call([dx], [window], dy, full) with { Axes = begin });
        double ms = Time(backend, launch);
        var expected = new double[n];
        var fullIndex = new int[full.Length];
        for (int i = 0; i < n; i++)
        {
            Unravel(i, full, fullIndex);
            bool inside = true;
            int w = 0;
            for (int axis = 0; axis < full.Length; axis++)
            {
                int k = fullIndex[axis] - begin[axis];
                inside &= k >= 0 && k < window[axis];
                w = w * window[axis] + k;
            }
            expected[i] = inside ? x[w] : before[i];
        }
        return CompareOutput(buffers, dy, n, expected, _ => 0, ms);
    }
}
