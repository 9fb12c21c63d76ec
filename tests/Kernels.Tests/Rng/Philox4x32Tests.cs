using Trainer.Kernels.Rng;

namespace Trainer.Kernels.Tests.Rng;

/// <summary>Philox4x32-10 against the known-answer vectors published with the paper (Random123's kat_vectors), and the dropout state's layout.</summary>
public sealed class Philox4x32Tests
{
    /// <summary>Counter (4 words), key (2 words), expected output (4 words), as the published file lists them.</summary>
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Matches_the_published_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3) =>
        Assert.Equal(new PhiloxWords(r0, r1, r2, r3), Philox4x32.Block(c0, c1, c2, c3, k0, k1));

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(0xFEDCBA9876543210UL, 123_456_789UL)]
    [InlineData(ulong.MaxValue, DropoutMask.StepLimit - 1)]
    public void The_state_holds_seed_and_step_exactly_in_float32(ulong seed, ulong step)
    {
        var state = DropoutMask.State(seed, step);
        Assert.Equal(DropoutMask.StateLength, state.Length);
        Assert.All(state, v => Assert.True(v >= 0 && v < 1 << 24 && v == MathF.Floor(v), $"{v} is not a whole number below 2^24"));
        Assert.Equal(seed, DropoutMask.Key(state[0], state[1], state[2], state[3]));
        Assert.Equal(step, DropoutMask.Step(state[DropoutMask.StepOffset], state[DropoutMask.StepOffset + 1]));
        Assert.Equal((step + 1) % DropoutMask.StepLimit, DropoutMask.Next(step));
    }

    [Fact]
    public void Threshold_and_scale_follow_p()
    {
        Assert.Equal(0u, DropoutMask.Threshold(0f));
        Assert.Equal(1u << 31, DropoutMask.Threshold(0.5f));
        Assert.Equal((uint)Math.Floor(0.1f * 4294967296.0), DropoutMask.Threshold(0.1f));
        Assert.Equal(4294967040u, DropoutMask.Threshold(BitConverter.Int32BitsToSingle(0x3F7FFFFF))); // the float just below 1
        Assert.Equal(2f, DropoutMask.Scale(0.5f));
        Assert.Equal((float)(1.0 / (1.0 - 0.1f)), DropoutMask.Scale(0.1f));
    }
}
