namespace Trainer.Training;

/// <summary>
/// The process-wide generator that weight initialisers draw from, like mindspore.set_seed: set it
/// once before building a network and the initial weights are the same on every run.
/// </summary>
public static class GlobalSeed
{
    private static SeededRandom generator = new(0);

    /// <summary>Restarts the generator that initialises new cells' weights from <paramref name="seed"/> (MindSpore's <c>set_seed</c>).</summary>
    public static void Set(ulong seed) => generator = new SeededRandom(seed);

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
