namespace Trainer.Kernels.Rng;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy
/// as 1, 2, 3" (SC 2011), written from the paper: a 128-bit counter and a 64-bit key give 128 random bits by ten
/// rounds of two 32x32→64 multiplications, with the key bumped by the Weyl constants between rounds. Every
/// output is a pure function of (counter, key), so any element of a stream is computed alone, by any thread, on
/// any device, with the same bits. Static and allocation-free, so the native backend and ILGPU kernels (CUDA,
/// OpenCL) call the same code.
/// </summary>
public static class Philox4x32
{
    /// <summary>The multipliers of the two S-boxes (the paper's M0 and M1 for 4x32).</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;

    /// <summary>The key bumps added between rounds (the golden ratio and √3 − 1, as 32-bit fractions).</summary>
    public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Rounds of the standard Philox4x32-10.</summary>
    public const int Rounds = 10;

    /// <summary>The four 32-bit outputs for counter (c0, c1, c2, c3) and key (k0, k1).</summary>
    public static PhiloxWords Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        return new PhiloxWords(c0, c1, c2, c3);
    }
}
