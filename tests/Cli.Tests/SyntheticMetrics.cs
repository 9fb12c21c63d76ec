using Trainer.Training.Metrics;

namespace Trainer.Cli.Tests;

/// <summary>A metrics log shaped like a real MNIST run: two epochs of 157 steps, loss 2.3 -> 0.3, test accuracy 70% -> 92%.</summary>
public static class SyntheticMetrics
{
    public const int StepsPerEpoch = 157, Epochs = 2;

    public static void Write(string path)
    {
        var random = new Random(7);
        using var writer = new MetricsWriter(path);
        long step = 0;
        double[] accuracy = [0.70, 0.92];
        double[] testLoss = [0.52, 0.31];
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            double sum = 0;
            for (int i = 0; i < StepsPerEpoch; i++, step++)
            {
                double t = step / (double)(Epochs * StepsPerEpoch - 1);
                double loss = 0.3 + 2.0 * Math.Exp(-5 * t) * (1 + 0.15 * (random.NextDouble() - 0.5)) - 2.0 * Math.Exp(-5) * t;
                sum += loss;
                writer.WriteStep(epoch, step, loss, 0.01, 4000 + 200 * random.NextDouble());
            }
            writer.WriteEpoch(epoch, step, sum / StepsPerEpoch, 0.01, 4050, accuracy[epoch - 1], testLoss[epoch - 1]);
        }
    }
}
