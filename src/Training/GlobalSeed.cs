namespace Trainer.Training;

/// <summary>
/// The process-wide generator that weight initialisers draw from, like mindspore.set_seed: set it
/// once before building a network and the initial weights are the same on every run.
/// </summary>
public static class GlobalSeed
{
    private static SeededRandom generator = new(0);
    private static ulong seedSet;
    private static ulong opSeedsDrawn;

    /// <summary>
    /// Restarts the generator that initialises new cells' weights from <paramref name="seed"/> (MindSpore's <c>set_seed</c>),
    /// and the count of random cells' seeds (<see cref="NextOpSeed"/>).
    /// </summary>
    public static void Set(ulong seed)
    {
        generator = new SeededRandom(seed);
        seedSet = seed;
        opSeedsDrawn = 0;
    }

    /// <summary>
    /// The seed of the next random cell (a Dropout) built since <see cref="Set"/>: a SplitMix64 hash of the global seed
    /// and the cell's ordinal, as MindSpore derives an op's seed from the global one. It draws nothing from the weights'
    /// generator, so adding a Dropout leaves every weight's initial value as it was.
    /// </summary>
    internal static ulong NextOpSeed()
    {
        ulong state = seedSet + 0xD1B54A32D192ED03UL * ++opSeedsDrawn;
        return SeededRandom.SplitMix64(ref state);
    }

    internal static SeededRandom Generator => generator;

    /// <summary>
    /// <paramref name="count"/> draws from U(−bound, bound) off <see cref="Generator"/>, in order: the
    /// initialisation every weight cell uses (U(±1/√fan_in)).
    /// </summary>
    public static float[] Uniform(int count, float bound)
    {
        var rng = Generator;
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = rng.NextUniform(-bound, bound);
        return data;
    }
}
