using System.Runtime.Intrinsics.X86;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Tests.Cpu;

/// <summary>The native backend's four-block AVX2 Philox against the scalar one, across the 2^32 boundary of the block counter too.</summary>
public sealed class PhiloxAvx2Tests
{
    [Theory]
    [InlineData(0L, 0UL, 0UL)]
    [InlineData(12_345L, 0xFEDCBA9876543210UL, 7UL)]
    [InlineData((1L << 32) - 2, ulong.MaxValue, (1UL << 40) + 3)]
    public unsafe void Gives_the_scalar_words(long block, ulong key, ulong step)
    {
        if (!Avx2.IsSupported) return; // the kernel then takes the scalar path alone
        ulong* words = stackalloc ulong[16];
        PhiloxAvx2.Blocks(key, step, block, words);
        for (int j = 0; j < 4; j++)
        {
            var w = DropoutMask.Words(key, step, block + j);
            Assert.Equal([w.X0, w.X1, w.X2, w.X3], new[] { words[j], words[4 + j], words[8 + j], words[12 + j] }.Select(v => (uint)v));
            Assert.All(new[] { words[j], words[4 + j], words[8 + j], words[12 + j] }, v => Assert.True(v >> 32 == 0));
        }
    }
}
