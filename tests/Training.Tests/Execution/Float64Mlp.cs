namespace Trainer.Training.Tests.Execution;

/// <summary>
/// The independent reference: Dense → ReLU → … → Dense → mean softmax cross-entropy in float64
/// with plain loops, weights [out,in] row-major as the trainer stores them.
/// </summary>
internal static class Float64Mlp
{
    public static double Loss(IReadOnlyList<double[]> weights, IReadOnlyList<double[]> biases, double[] x, int batch, int[] sizes, int[] labels)
    {
        var h = x;
        for (int layer = 0; layer < weights.Count; layer++)
        {
            int inN = sizes[layer], outN = sizes[layer + 1];
            var y = new double[batch * outN];
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < outN; o++)
                {
                    double acc = biases[layer][o];
                    for (int i = 0; i < inN; i++) acc += h[b * inN + i] * weights[layer][o * inN + i];
                    y[b * outN + o] = layer < weights.Count - 1 ? Math.Max(acc, 0) : acc;
                }
            h = y;
        }
        int classes = sizes[^1];
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, h[b * classes + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(h[b * classes + c] - max);
            total += Math.Log(sum) + max - h[b * classes + labels[b]];
        }
        return total / batch;
    }
}
