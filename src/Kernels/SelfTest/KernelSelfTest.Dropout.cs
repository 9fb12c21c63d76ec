using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The checks of dropout's kernels against a loop written here over <see cref="Philox4x32.Block"/> (the generator
/// itself is checked against the paper's known-answer vectors by the tests): every element exactly, the next state,
/// and that no element past the output is written. 257 elements: a last block of one element.
/// </summary>
public static partial class KernelSelfTest
{
    [SelfTestChecks]
    private static void AddDropoutChecks(Action<string, Func<IKernelBackend, Random, SelfTestResult>> add)
    {
        add($"{DropoutKeys.Dropout} 257 p=0.3", (b, r) => CheckDropout(b, r, 257, 0.3f, grad: false));
        add($"{DropoutKeys.DropoutGrad} 257 p=0.7", (b, r) => CheckDropout(b, r, 257, 0.7f, grad: true));
        add($"{DropoutKeys.Dropout} 65 p=0.5 from element 4099", (b, r) => CheckDropout(b, r, 65, 0.5f, grad: false, first: 4099));
    }

    /// <summary>
    /// y = x·(word ≥ ⌊p·2^32⌋ ? 1/(1−p) : 0), the word of element i being word i mod 4 of Philox4x32-10 at counter
    /// (i / 4, 0, step, 0) and key (seed low, seed high). The forward kernel draws at the state's step plus one and
    /// returns that state; the gradient kernel draws at its state's step. With <paramref name="first"/>, the tensor is
    /// a slice of a larger one (<see cref="DropoutSlice"/>): its element i draws as element first + i.
    /// </summary>
    private static SelfTestResult CheckDropout(IKernelBackend backend, Random rng, int count, float p, bool grad, long first = 0)
    {
        ulong seed = (ulong)rng.NextInt64();
        ulong stored = (ulong)(uint)rng.Next(1 << 24) | (ulong)(uint)rng.Next(4) << 24;
        ulong step = grad ? stored : stored + 1;
        var x = Uniform(rng, count);
        uint threshold = (uint)Math.Floor(p * 4294967296.0);
        float scale = (float)(1.0 / (1.0 - p));
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            long e = first + i;
            var w = Philox4x32.Block((uint)(e / 4), 0, (uint)step, (uint)(step >> 32), (uint)seed, (uint)(seed >> 32));
            uint word = (e % 4) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
            expected[i] = x[i] * (word >= threshold ? scale : 0f);
        }
        using var buffers = new Buffers(backend);
        var dx = buffers.Put(x);
        var state = buffers.Put(DropoutMask.State(seed, stored));
        var dy = buffers.Output(count);
        int[] stateShape = [DropoutMask.StateLength];
        string key = grad ? DropoutKeys.DropoutGrad : DropoutKeys.Dropout;
        DeviceBuffer? next = grad ? null : buffers.Output(DropoutMask.StateLength);
        var call = new KernelCall([dx, state], [[count], stateShape], next is null ? [dy] : [dy, next],
            next is null ? [[count]] : [[count], stateShape]) { Scalar = p, Attributes = first == 0 ? null : new DropoutSlice(first) };
        var launch = backend.Kernels.Bind(key, call);
        double ms = Time(backend, launch);
        var result = CompareOutput(buffers, dy, count, expected, _ => 0, ms);
        if (next is null || !result.Passed) return result;
        var wanted = Array.ConvertAll(DropoutMask.State(seed, step), v => (double)v);
        var stateResult = CompareOutput(buffers, next, DropoutMask.StateLength, wanted, _ => 0, ms);
        return stateResult.Passed ? result : stateResult with { Detail = "next state: " + stateResult.Detail };
    }
}
