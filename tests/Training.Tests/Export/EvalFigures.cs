namespace Trainer.Training.Tests.Export;

/// <summary>
/// What the test loop reports, recomputed in float64 from logits by another implementation: the
/// correct count (argmax, first maximum on ties, as CountCorrect) and the mean over batches of each
/// batch's mean cross-entropy. Linked into the Cli tests too.
/// </summary>
public static class EvalFigures
{
    public static (int Correct, double AvgLoss) Of(float[] logits, byte[] labels, int classes, int batchSize)
    {
        var predicted = Argmax(logits, classes);
        int correct = 0, batches = 0;
        double lossSum = 0;
        for (int start = 0; start < labels.Length; start += batchSize, batches++)
        {
            int rows = Math.Min(batchSize, labels.Length - start);
            double batchLoss = 0;
            for (int r = start; r < start + rows; r++)
            {
                if (predicted[r] == labels[r]) correct++;
                var row = logits.AsSpan(r * classes, classes);
                double max = double.NegativeInfinity, sum = 0;
                foreach (float v in row) max = Math.Max(max, v);
                foreach (float v in row) sum += Math.Exp(v - max);
                batchLoss += max + Math.Log(sum) - row[labels[r]];
            }
            lossSum += batchLoss / rows;
        }
        return (correct, lossSum / batches);
    }

    /// <summary>The index of each row's largest value (the first one on ties).</summary>
    public static int[] Argmax(float[] logits, int classes)
    {
        var result = new int[logits.Length / classes];
        for (int r = 0; r < result.Length; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            result[r] = best;
        }
        return result;
    }
}
