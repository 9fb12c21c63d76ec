namespace Trainer.Kernels.Tests;

/// <summary>Seeded random inputs; every test builds its own <see cref="Random"/> from a seed derived from its case.</summary>
internal static class TestData
{
    public static Random Rng(params int[] parts)
    {
        int seed = 17;
        foreach (int p in parts) seed = unchecked(seed * 31 + p);
        return new Random(seed);
    }

    public static float[] Uniform(Random rng, int count, float low = -1f, float high = 1f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(low + (high - low) * rng.NextDouble());
        return data;
    }

    public static int[] Labels(Random rng, int rows, int classes)
    {
        var labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = rng.Next(classes);
        return labels;
    }

    public static byte[] Bytes(Random rng, int count)
    {
        var data = new byte[count];
        rng.NextBytes(data);
        return data;
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
