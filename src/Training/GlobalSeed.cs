namespace Trainer.Training;

/// <summary>
/// The process-wide generator that weight initialisers draw from, like mindspore.set_seed: set it
/// once before building a network and the initial weights are the same on every run.
/// </summary>
public static class GlobalSeed
{
    private static SeededRandom generator = new(0);

    public static void Set(ulong seed) => generator = new SeededRandom(seed);

    internal static SeededRandom Generator => generator;
}
