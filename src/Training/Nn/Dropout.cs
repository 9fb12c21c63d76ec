using System.Globalization;
using Trainer.Kernels.Rng;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.Dropout(p=...)</c> (PyTorch's <c>nn.Dropout</c>): in training, each element is zeroed with
/// probability <see cref="P"/> and the others are scaled by 1/(1−p); in evaluation, and for p = 0, it is the
/// identity. The mask comes from Philox4x32-10 keyed by (seed, step, element index) (<see cref="DropoutMask"/>), so
/// it is the same eagerly and compiled, on every backend and thread count. The seed and the step live in the
/// buffer <c>rng_state</c> (float32 [6], whole numbers): each training call draws at the next step and writes it
/// back in the step (<see cref="Ops.Assign"/>), so a compiled step draws a new mask every replay without being
/// recompiled, and a checkpoint holds the state, so a resumed run draws the masks the run never stopped would have.
/// In data-parallel training a rank's input holds its rows of the global batch (axis 0 is the batch), and element i
/// draws as the element of the global batch it is, so every rank draws the single process's mask for its rows
/// (<see cref="Distributed.BatchRowOffset"/>).
/// </summary>
public sealed class Dropout : Cell
{
    /// <summary>Dropout with probability <paramref name="p"/>, its seed derived from <see cref="GlobalSeed"/> (the n-th random cell built since <see cref="GlobalSeed.Set"/> gets the n-th seed; weights draw as if it were not there).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1).</exception>
    public Dropout(float p = 0.5f) : this(p, GlobalSeed.NextOpSeed()) { }

    /// <summary>Dropout with probability <paramref name="p"/> and a seed of its own.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1).</exception>
    public Dropout(float p, ulong seed)
    {
        CheckProbability(p);
        P = p;
        State = RegisterBuffer("rng_state", new Shape(DropoutMask.StateLength), DropoutMask.State(seed));
    }

    /// <summary>Throws the constructor's one-line error unless <paramref name="p"/> is in [0, 1).</summary>
    internal static void CheckProbability(float p)
    {
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), string.Create(CultureInfo.InvariantCulture,
                $"Dropout: p = {p} is not a probability in [0, 1) (the probability of zeroing an element)"));
    }

    /// <summary>The probability of zeroing an element in training.</summary>
    public float P { get; }

    /// <summary>The generator's state: the seed's four 16-bit pieces and the step's two 24-bit pieces (see <see cref="DropoutMask"/>).</summary>
    public Parameter State { get; }

    /// <summary>MindSpore's: <c>p=0.5</c>.</summary>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture, $"p={P}");

    /// <summary>Where x's element 0 sits in the global batch: its first row there times its elements per row; 0 outside data-parallel training.</summary>
    private static long FirstElement(Tensor x)
    {
        int row = Distributed.BatchRowOffset.Read();
        if (row == 0) return 0;
        if (x.Rank == 0 || x.Type.Shape[0] == 0)
            throw new InvalidOperationException($"Dropout: a data-parallel rank's input must have its rows on axis 0, got shape {x.Shape}");
        return row * (x.ElementCount / x.Type.Shape[0]);
    }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        if (P == 0f || !Training) return x;
        var (y, next) = Ops.Dropout(x, State, P, FirstElement(x));
        Ops.Assign(State, next);
        return y;
    }
}
