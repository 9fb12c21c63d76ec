namespace Trainer.Training.Tests.Execution;

/// <summary>
/// The independent reference: Dense → ReLU → … → Dense → mean softmax cross-entropy in float64
/// with plain loops, weights [out,in] row-major as the trainer stores them.
/// </summary>
internal static class Float64Mlp
{
    /// <summary>
    /// d loss / d every element of W1, b1, W2, b2, … (in that order), by central differences with
    /// h = 1e-6: good to about 1e-9 on these small models.
    /// </summary>
    public static double[][] NumericGradient(IReadOnlyList<double[]> weights, IReadOnlyList<double[]> biases, double[] x, int batch, int[] sizes, int[] labels)
    {
        var result = new List<double[]>();
        for (int layer = 0; layer < weights.Count; layer++)
            foreach (var array in new[] { weights[layer], biases[layer] })
            {
                var grad = new double[array.Length];
                for (int k = 0; k < array.Length; k++)
                    grad[k] = FiniteDifference.Derivative(array, k, () => Loss(weights, biases, x, batch, sizes, labels));
                result.Add(grad);
            }
        return result.ToArray();
    }

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
