using System.Numerics;
using Trainer.Kernels.Cpu;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>The native backend's vector exp against float64 <see cref="Math.Exp"/>.</summary>
public sealed class VectorExpTests
{
    private static float[] Exp(float[] x)
    {
        int w = Vector<float>.Count;
        var padded = new float[(x.Length + w - 1) / w * w];
        x.CopyTo(padded, 0);
        var y = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += w)
            VectorExp.Exp(new Vector<float>(padded, i)).CopyTo(y, i);
        return y[..x.Length];
    }

    [Theory]
    [InlineData(-87.3f, 88.7f, 1)]
    [InlineData(-20f, 0f, 2)]
    [InlineData(-1e-3f, 1e-3f, 3)]
    public void Within_two_ulp_of_the_float64_exp(float low, float high, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, 100_003).Select(_ => (float)(low + rng.NextDouble() * (high - low))).ToArray();
        var y = Exp(x);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            double ulp = (double)MathF.BitIncrement((float)expected) - (float)expected;
            Assert.True(Math.Abs(y[i] - expected) <= 2 * ulp, $"exp({x[i]:R}) = {y[i]:R}, float64 {expected:R}");
        }
    }

    [Fact]
    public void Exact_where_exp_is_exact_and_the_edges_are_right()
    {
        var x = new[] { 0f, -0f, 1f, float.NegativeInfinity, -88f, -1000f, 89f, float.PositiveInfinity, float.NaN, -87.3f };
        var y = Exp(x);
        Assert.Equal(1f, y[0]);
        Assert.Equal(1f, y[1]);
        Assert.Equal((float)Math.E, y[2]);
        Assert.Equal(0f, y[3]);
        Assert.Equal(0f, y[4]);
        Assert.Equal(0f, y[5]);
        Assert.Equal(float.PositiveInfinity, y[6]);
        Assert.Equal(float.PositiveInfinity, y[7]);
        Assert.True(float.IsNaN(y[8]));
        Assert.True(y[9] > 0f && float.IsNormal(y[9]), $"exp(-87.3) = {y[9]:R}");
    }
}
