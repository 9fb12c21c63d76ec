using Trainer.Kernels.Reference;
using Trainer.Kernels.SelfTest;

namespace Trainer.Kernels.Tests.Ops;

public sealed class ImageNormalizeTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int, float, float, float, float> Cases()
    {
        var data = new TheoryData<string, int, float, float, float, float>();
        foreach (int count in new[] { 1, 7, 63, 65, 257, 64 * 784 })
        {
            foreach (string backend in new[] { BackendFixture.Native, BackendFixture.Fast })
            {
                data.Add(backend, count, 1f / 255f, 0f, 0.1307f, 0.3081f); // MNIST
                data.Add(backend, count, 2f / 255f, -1f, 0.25f, 0.5f);     // rescale to [-1,1], then normalize
            }
        }
        data.Add(BackendFixture.Wide, 257, 1f, 0f, 127.5f, 64f);
        return data;
    }

    /// <summary>
    /// Bound: float32 computes fl(fl(fl(x·scale) + shift) − mean) / std, four roundings. The error
    /// before the division is at most 3u·(|x·scale| + |shift| + |mean|) (each rounding is at most u
    /// times a partial result bounded by that sum); the division adds u·|result|. Factor 2 slack.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_float64_reference(string backendName, int count, float scale, float shift, float mean, float std)
    {
        var backend = backends.Get(backendName);
        var pixels = TestData.Bytes(TestData.Rng(count), count);
        for (int i = 0; i < Math.Min(count, 256); i++) pixels[i] = (byte)(255 - i); // every byte value once
        using var dp = backend.Put(pixels);
        using var dy = backend.Filled(count + 3, float.NaN);
        backend.ImageNormalize(dp, dy, count, scale, shift, mean, std);
        var y = backend.Floats(dy, count + 3);
        Close.Untouched(y, count, count + 3, float.NaN, "normalize wrote past its output");
        var expected = ReferenceMath.ImageNormalize(pixels, scale, shift, mean, std);
        Close.All(expected, y[..count],
            i => ErrorBounds.ImageNormalize(pixels[i], scale, shift, mean, std, expected[i]),
            $"normalize n={count}");
    }

    /// <summary>The kernel documents the same float32 steps as the host transforms, so it must match them bit for bit.</summary>
    [Theory]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Native)]
    public void Matches_the_host_float32_steps_bit_for_bit(string backendName)
    {
        var backend = backends.Get(backendName);
        var pixels = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        const float scale = 1f / 255f, shift = 0f, mean = 0.1307f, std = 0.3081f;
        using var dp = backend.Put(pixels);
        using var dy = backend.Allocate(256 * 4);
        backend.ImageNormalize(dp, dy, 256, scale, shift, mean, std);
        var host = pixels.Select(x => { float v = x * scale + shift; return (v - mean) / std; }).ToArray();
        Close.Bitwise(host, backend.Floats(dy, 256), "device vs host normalize");
    }
}
