namespace Trainer.Kernels.Rng;

/// <summary>
/// Which elements dropout keeps, as a pure function of (seed, step, element index), shared by every backend's
/// <c>random.dropout</c> and <c>random.dropout_grad</c> kernels and by the tests' references.
/// <para>
/// The state a Dropout cell keeps is float32 [<see cref="StateLength"/>], every value a whole number below 2^24
/// so float32 holds it exactly (and a checkpoint's finiteness check passes): the 64-bit seed as four 16-bit
/// pieces, low first, then the step as two 24-bit pieces, low first. Element i of a tensor uses word i mod 4 of
/// the Philox4x32-10 block with counter (i / 4 low 32 bits, i / 4 high 32 bits, step low 32 bits, step high 32
/// bits) and key (seed low 32 bits, seed high 32 bits): it is kept when that word is at least
/// <see cref="Threshold"/>(p) = ⌊p·2^32⌋, so the probability of zeroing is p to within 2^-32, and a kept element
/// is multiplied by <see cref="Scale"/>(p) = 1/(1−p) rounded once to float32, a dropped one by 0 (so a NaN stays
/// NaN, as PyTorch's mask multiplication does). Integer comparisons and one float32 multiplication: every
/// backend gives the same bits.
/// </para>
/// </summary>
public static class DropoutMask
{
    /// <summary>Floats in a dropout state: four seed pieces and two step pieces.</summary>
    public const int StateLength = 6;

    /// <summary>Where the step's low 24 bits sit in the state (the high 24 bits follow).</summary>
    public const int StepOffset = 4;

    /// <summary>The steps a state counts before it wraps to 0: 2^48.</summary>
    public const ulong StepLimit = 1UL << 48;

    /// <summary>The state of a stream: <paramref name="seed"/> and <paramref name="step"/> in the layout above.</summary>
    public static float[] State(ulong seed, ulong step = 0)
    {
        var state = new float[StateLength];
        for (int i = 0; i < 4; i++) state[i] = (ushort)(seed >> (16 * i));
        state[StepOffset] = StepLow(step);
        state[StepOffset + 1] = StepHigh(step);
        return state;
    }

    /// <summary>The 64-bit key (seed) from the state's four 16-bit seed pieces.</summary>
    public static ulong Key(float s0, float s1, float s2, float s3) =>
        Piece16(s0) | Piece16(s1) << 16 | Piece16(s2) << 32 | Piece16(s3) << 48;

    /// <summary>The step held by the state's two 24-bit step pieces.</summary>
    public static ulong Step(float low, float high) => Piece24(low) | Piece24(high) << 24;

    /// <summary>The step after <paramref name="step"/>, wrapping at <see cref="StepLimit"/>.</summary>
    public static ulong Next(ulong step) => (step + 1) & (StepLimit - 1);

    /// <summary>The step's low 24 bits as the state holds them.</summary>
    public static float StepLow(ulong step) => (int)(step & 0xFFFFFF);

    /// <summary>The step's bits 24 to 47 as the state holds them.</summary>
    public static float StepHigh(ulong step) => (int)((step >> 24) & 0xFFFFFF);

    /// <summary>⌊p·2^32⌋: a word at or above it keeps its element. <paramref name="p"/> is in [0, 1).</summary>
    public static uint Threshold(float p) => (uint)Math.Min(Math.Floor(p * 4294967296.0), uint.MaxValue);

    /// <summary>1/(1−p) rounded to float32: the factor of a kept element.</summary>
    public static float Scale(float p) => (float)(1.0 / (1.0 - p));

    /// <summary>The four words of the block holding elements 4·block .. 4·block+3.</summary>
    public static PhiloxWords Words(ulong key, ulong step, long block) =>
        Philox4x32.Block((uint)block, (uint)((ulong)block >> 32), (uint)step, (uint)(step >> 32), (uint)key, (uint)(key >> 32));

    /// <summary>The factor of one element given its word: <paramref name="scale"/> when kept, 0 when dropped.</summary>
    public static float Factor(uint word, uint threshold, float scale) => word >= threshold ? scale : 0f;

    private static ulong Piece16(float v) => (ulong)(uint)(int)v & 0xFFFF;

    private static ulong Piece24(float v) => (ulong)(uint)(int)v & 0xFFFFFF;
}
