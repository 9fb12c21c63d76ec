using Trainer.Kernels.Cpu;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>
/// The stride-2 row loops of im2col and col2im against plain loops at run lengths around the vector
/// width: gathered values exact and nothing written past the run; scattered sums exact (one rounded
/// addition each), the odd elements between and everything past the run untouched (NaN sentinels).
/// </summary>
public sealed unsafe class StrideTwoRowsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(257)]
    public void Gather_and_scatter_add_touch_every_second_element_of_the_run_only(int count)
    {
        var rng = TestData.Rng(count, 5);
        // The source row ends at its last element read, 2·(count − 1); the masked loads keep reads inside it (checked by the values, not by a fault).
        var wide = TestData.Uniform(rng, Math.Max(1, 2 * count - 1), -2f, 2f);
        var narrow = TestData.Uniform(rng, count, -2f, 2f);
        var gathered = Enumerable.Repeat(float.NaN, count + 3).ToArray();
        var target = new float[2 * count + 3];
        for (int i = 0; i < target.Length; i++) target[i] = i % 2 == 1 || i >= 2 * count ? float.NaN : wide[Math.Min(i, wide.Length - 1)];
        var before = (float[])target.Clone();
        fixed (float* from = wide, to = gathered, small = narrow, row = target)
        {
            StrideTwoRows.Gather(from, to, count);
            StrideTwoRows.ScatterAdd(small, row, count);
        }
        for (int i = 0; i < count; i++) Assert.Equal(BitConverter.SingleToInt32Bits(wide[2 * i]), BitConverter.SingleToInt32Bits(gathered[i]));
        Close.Untouched(gathered, count, count + 3, float.NaN, $"gather of {count} wrote past its run");
        for (int i = 0; i < target.Length; i++)
        {
            float expected = i % 2 == 0 && i / 2 < count ? before[i] + narrow[i / 2] : before[i];
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(target[i]));
        }
    }
}
