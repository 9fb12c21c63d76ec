using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Distributed;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Primitives;

namespace Trainer.Training.Tests.Distributed;

/// <summary>
/// A data-parallel rank's Dropout draws, for its rows of the global batch, the factors one process draws for those rows
/// (against the generator's definition, eagerly and compiled), and a compiled step that read the row offset is
/// replayed only at that offset: the same shape at another offset compiles once more, a step that read none does not.
/// </summary>
public sealed class BatchRowOffsetTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly ulong Seed = 0x5EED_0000_0123UL;
    private const float P = 0.5f;
    private const int Rows = 7, Columns = 5; // five columns: most first rows start inside a Philox block of four

    /// <summary>The factor of element i of the global batch at step 1: word i mod 4 of the block at counter (i/4, 0, 1, 0).</summary>
    private static float Factor(long i)
    {
        var w = Kernels.Rng.Philox4x32.Block((uint)(i / 4), 0, 1, 0, (uint)Seed, (uint)(Seed >> 32));
        uint word = (i % 4) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
        return word >= (uint)Math.Floor(P * 4294967296.0) ? (float)(1.0 / (1.0 - P)) : 0f;
    }

    private static float[] Batch() => PrimitiveCheck.Uniform(11, Rows * Columns, 0.5f, 2f); // no zeros: a zero factor shows

    /// <summary>Rows [first, first + rows) of the global batch through a fresh Dropout of the seed, at that row offset, the first step.</summary>
    private float[] Rank(Session session, ExecutionMode mode, int first, int rows)
    {
        var drop = new Dropout(P, Seed);
        session.Place(drop);
        var x = new HostTensor([rows, Columns], Batch()[(first * Columns)..((first + rows) * Columns)]);
        using var step = StepCompiler.Compile(session, $"rank_rows_{first}", t => [drop.Call(t)], mode);
        using var offset = BatchRowOffset.Enter(first);
        return step.Call(x)[0].ToFloatArray();
    }

    [Theory]
    [InlineData(ExecutionMode.Eager)]
    [InlineData(ExecutionMode.Graph)]
    public void Each_rank_draws_the_single_process_factors_for_its_rows(ExecutionMode mode)
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var batch = Batch();
        var whole = Rank(session, mode, 0, Rows);
        for (int i = 0; i < whole.Length; i++) Assert.Equal(batch[i] * Factor(i), whole[i]);
        foreach (int first in new[] { 1, 2, 3, 6 })
            foreach (int rows in new[] { 1, Rows - first })
            {
                var part = Rank(session, mode, first, rows);
                Assert.True(whole.AsSpan(first * Columns, rows * Columns).SequenceEqual(part),
                    $"{mode}: rows {first}..{first + rows} drew other factors than the same rows of the whole batch");
            }
    }

    [Fact]
    public void A_compiled_step_is_replayed_only_at_the_row_offset_it_was_traced_with()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var drop = new Dropout(P, Seed);
        session.Place(drop);
        using var step = new GraphFunction(session, "offsets", xs => [drop.Call(xs[0])], ["x"]);
        var ones = Enumerable.Repeat(1f, 2 * Columns).ToArray();
        var x = new HostTensor([2, Columns], ones);
        foreach (int first in new[] { 0, 3, 0, 3 }) // a rank's full batch and short last batch: the same rows, other offsets
        {
            using var offset = BatchRowOffset.Enter(first);
            step.Call(x);
        }
        Assert.Equal(2, step.Compilations);

        drop.SetTrain(false); // the identity reads no offset: one more graph, whatever the offset
        foreach (int first in new[] { 0, 3 })
        {
            using var offset = BatchRowOffset.Enter(first);
            Assert.Equal(ones, step.Call(x)[0].ToFloatArray());
        }
        Assert.Equal(3, step.Compilations);
        Assert.Equal(0, BatchRowOffset.Current);
    }
}
