using Trainer.Kernels.Device;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Tests.Rng;

/// <summary>
/// Dropout's kernels on every backend at awkward sizes against a loop over the generator written here, the same bits on
/// every backend and thread count, the gradient kernel recomputing the forward's mask, a slice of a larger tensor
/// (<see cref="DropoutSlice"/>) drawing that tensor's factors, and the fraction kept within a binomial bound.
/// </summary>
public sealed class DropoutKernelTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    /// <summary>y = x·(word ≥ ⌊p·2^32⌋ ? 1/(1−p) : 0), element i taking word i mod 4 of the block at counter (i/4, 0, step, step >> 32).</summary>
    private static float[] Reference(float[] x, ulong seed, ulong step, float p)
    {
        var y = new float[x.Length];
        uint threshold = (uint)Math.Floor(p * 4294967296.0);
        float scale = (float)(1.0 / (1.0 - p));
        for (int i = 0; i < x.Length; i++)
        {
            var w = Philox4x32.Block((uint)(i >> 2), 0, (uint)step, (uint)(step >> 32), (uint)seed, (uint)(seed >> 32));
            uint word = (i & 3) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
            y[i] = x[i] * (word >= threshold ? scale : 0f);
        }
        return y;
    }

    /// <summary>The forward kernel's y and next state for x and a state (seed, step).</summary>
    private static (float[] Y, float[] Next) Forward(IKernelBackend backend, float[] x, ulong seed, ulong step, float p, DropoutSlice? slice = null)
    {
        int n = x.Length;
        using var dx = backend.Put(x);
        using var state = backend.Put(DropoutMask.State(seed, step));
        using var y = backend.Filled(n + 3, float.NaN);
        using var next = backend.Filled(DropoutMask.StateLength + 3, float.NaN);
        backend.Kernels.Bind(DropoutKeys.Dropout, new KernelCall([dx, state], [[n], [DropoutMask.StateLength]], [y, next],
            [[n], [DropoutMask.StateLength]]) { Scalar = p, Attributes = slice })();
        var got = backend.Floats(y, n + 3);
        var gotNext = backend.Floats(next, DropoutMask.StateLength + 3);
        Close.Untouched(got, n, n + 3, float.NaN, "dropout wrote past y");
        Close.Untouched(gotNext, DropoutMask.StateLength, DropoutMask.StateLength + 3, float.NaN, "dropout wrote past the next state");
        return (got[..n], gotNext[..DropoutMask.StateLength]);
    }

    private static float[] Backward(IKernelBackend backend, float[] dy, float[] state, float p, DropoutSlice? slice = null)
    {
        int n = dy.Length;
        using var ddy = backend.Put(dy);
        using var dstate = backend.Put(state);
        using var dx = backend.Filled(n + 3, float.NaN);
        backend.Kernels.Bind(DropoutKeys.DropoutGrad, new KernelCall([ddy, dstate], [[n], [DropoutMask.StateLength]], [dx], [[n]]) { Scalar = p, Attributes = slice })();
        var got = backend.Floats(dx, n + 3);
        Close.Untouched(got, n, n + 3, float.NaN, "dropout_grad wrote past dx");
        return got[..n];
    }

    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void Forward_and_backward_match_the_generator_at_awkward_sizes(string backendName)
    {
        var backend = backends.Get(backendName);
        foreach (int n in Sizes)
            foreach (float p in backendName == BackendFixture.OpenClPocl ? [0.3f] : new[] { 0f, 0.3f, 0.5f, 0.9f }) // PoCL: each launch costs much
            {
                var x = TestData.Uniform(TestData.Rng(n, (int)(p * 10)), n, -2f, 2f);
                ulong seed = 0x9E3779B97F4A7C15UL * (ulong)(n + 1), step = (1UL << 24) - 1 + (ulong)n; // the step's low piece carries
                var (y, next) = Forward(backend, x, seed, step, p);
                Close.Bitwise(Reference(x, seed, step + 1, p), y, $"{backendName} dropout n={n} p={p}");
                Assert.Equal(DropoutMask.State(seed, step + 1), next);
                var dy = TestData.Uniform(TestData.Rng(n, 7), n, -2f, 2f);
                Close.Bitwise(Reference(dy, seed, step + 1, p), Backward(backend, dy, next, p), $"{backendName} dropout_grad n={n} p={p}");
            }
    }

    /// <summary>
    /// A tensor that is elements [first, first + n) of a larger one (a data-parallel rank's rows) draws what the larger
    /// one draws there, forward and backward: first elements in every position of a block (0 to 3 past a multiple of
    /// 4), sizes that end inside a block, and a first element past 2^32 / 4 blocks (the counter's high word).
    /// </summary>
    [Theory]
    [MemberData(nameof(BackendFixture.AllNames), MemberType = typeof(BackendFixture))]
    public void A_slice_draws_the_factors_of_those_elements_of_the_whole(string backendName)
    {
        var backend = backends.Get(backendName);
        long[] firsts = backendName == BackendFixture.OpenClPocl ? [3, 66] : [0, 1, 2, 3, 5, 66, 127, 4L * 64 * 63 + 1];
        int[] sizes = backendName == BackendFixture.OpenClPocl ? [65] : [1, 2, 7, 63, 65, 257];
        foreach (long first in firsts)
            foreach (int n in sizes)
            {
                var x = TestData.Uniform(TestData.Rng(n, (int)first), n, -2f, 2f);
                var whole = new float[first + n];
                x.CopyTo(whole, first);
                const ulong seed = 0xD1B54A32D192ED03UL, step = 41;
                var want = Reference(whole, seed, step + 1, 0.5f)[(int)first..];
                var (y, next) = Forward(backend, x, seed, step, 0.5f, new DropoutSlice(first));
                Close.Bitwise(want, y, $"{backendName} dropout of elements {first}..{first + n}");
                Close.Bitwise(want, Backward(backend, x, next, 0.5f, new DropoutSlice(first)), $"{backendName} dropout_grad of elements {first}..{first + n}");
            }
        // Past 2^34 elements the block index needs its high word; the reference loop is over the slice alone there.
        const long far = (1L << 34) + 6;
        var ones = Enumerable.Repeat(1f, 9).ToArray();
        var farY = Forward(backend, ones, 7, 0, 0.5f, new DropoutSlice(far)).Y;
        for (int i = 0; i < ones.Length; i++)
        {
            long e = far + i;
            var w = Philox4x32.Block((uint)(e >> 2), (uint)((ulong)e >> 34), 1, 0, 7, 0);
            uint word = (e & 3) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
            Assert.Equal(word >= 1u << 31 ? 2f : 0f, farY[i]);
        }
    }

    [Fact]
    public void A_slice_with_a_negative_first_element_or_other_attributes_is_refused_when_bound()
    {
        var backend = backends.Get(BackendFixture.Native);
        using var x = backend.Put(new float[4]);
        using var state = backend.Put(DropoutMask.State(1));
        using var y = backend.Filled(4, 0f);
        var bad = new KernelCall([x, state], [[4], [DropoutMask.StateLength]], [y], [[4]]) { Scalar = 0.5f, Attributes = new DropoutSlice(-1) };
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => backend.Kernels.Bind(DropoutKeys.DropoutGrad, bad)).Message);
        var other = bad with { Attributes = "no" };
        Assert.Contains("DropoutSlice", Assert.Throws<ArgumentException>(() => backend.Kernels.Bind(DropoutKeys.DropoutGrad, other)).Message);
    }

    [Fact]
    public void Every_backend_and_thread_count_draws_the_same_mask()
    {
        const int n = 65 * 1024 + 3; // above the native task size, so the pool splits it
        var x = TestData.Uniform(TestData.Rng(n), n, -1f, 1f);
        var native = Forward(backends.Get(BackendFixture.NativeOneThread), x, 42, 7, 0.5f).Y;
        Close.Bitwise(native, Forward(backends.Get(BackendFixture.NativeThreeThreads), x, 42, 7, 0.5f).Y, "native, 3 threads against 1");
        foreach (string other in BackendFixture.All.Where(b => b != BackendFixture.Native))
            Close.Bitwise(native, Forward(backends.Get(other), x, 42, 7, 0.5f).Y, $"{other} against native");
    }

    /// <summary>
    /// The count kept is Binomial(n, 1 − p): within 5 standard deviations of n(1 − p) (a false failure about once in
    /// 3.5 million), at 257 and 65,536 elements; and the masks of consecutive steps agree on about p² + (1 − p)² of
    /// the elements, as independent draws do.
    /// </summary>
    [Theory]
    [InlineData(257, 0.5f)]
    [InlineData(257, 0.1f)]
    [InlineData(65536, 0.5f)]
    [InlineData(65536, 0.1f)]
    [InlineData(65536, 0.9f)]
    public void The_fraction_kept_is_binomial(int n, float p)
    {
        var backend = backends.Get(BackendFixture.Native);
        var ones = Enumerable.Repeat(1f, n).ToArray();
        var first = Forward(backend, ones, 2024, 0, p).Y;
        var second = Forward(backend, ones, 2024, 1, p).Y;
        double q = 1 - (double)p;
        foreach (var mask in new[] { first, second })
        {
            int kept = mask.Count(v => v != 0);
            Assert.InRange(kept, n * q - 5 * Math.Sqrt(n * p * q), n * q + 5 * Math.Sqrt(n * p * q));
            Assert.All(mask, v => Assert.True(v == 0f || v == DropoutMask.Scale(p), $"{v} is neither 0 nor the scale"));
        }
        int agree = Enumerable.Range(0, n).Count(i => (first[i] != 0) == (second[i] != 0));
        double same = p * p + q * q;
        Assert.InRange(agree, n * same - 5 * Math.Sqrt(n * same * (1 - same)), n * same + 5 * Math.Sqrt(n * same * (1 - same)));
    }
}
