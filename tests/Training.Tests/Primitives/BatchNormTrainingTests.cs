using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// The fused training-mode batch normalisation op on its own (<see cref="Ops.BatchNormTraining"/>): y, the batch mean and
/// the biased variance against a float64 loop written here, every gradient (x, gamma, beta, through all three outputs:
/// the loss weighs mean and var too) against finite differences, eager equal to compiled, at awkward sizes: one sample,
/// 7 and 65 channels, 1×1 and odd planes, [N, C].
/// </summary>
public sealed class BatchNormTrainingTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private const float Eps = 1e-5f;

    public static TheoryData<DeviceKind, int[]> Shapes()
    {
        var data = new TheoryData<DeviceKind, int[]>();
        foreach (var device in TestDevices.All)
            foreach (var shape in new[] { new[] { 1, 7, 3, 5 }, [7, 3, 1, 1], [3, 65, 1, 3], [7, 65], [65, 2] })
                data.Add(device, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Outputs_and_gradients_through_all_three_match_float64_and_finite_differences(DeviceKind device, int[] shape)
    {
        int channels = shape[1], count = PrimitiveCheck.Count(shape);
        var x = PrimitiveCheck.Uniform(count + 1, count, -1f, 3f);
        var gamma = PrimitiveCheck.Uniform(channels + 2, channels, 0.5f, 1.5f);
        var beta = PrimitiveCheck.Uniform(channels + 3, channels, -1f, 1f);
        PrimitiveCheck.Run(sessions.Get(device), $"bnt{string.Join('x', shape)}", p =>
            {
                var (y, mean, variance) = Ops.BatchNormTraining(p[0], p[1], p[2], Eps);
                return Ops.Concat([Ops.Reshape(y, count), mean, variance], 0);
            },
            [shape, [channels], [channels]], [x, gamma, beta], [count + 2 * channels], p => Reference(p[0], p[1], p[2], shape));
    }

    /// <summary>y (flattened), then each channel's mean, then each channel's Σ(x − mean)²/n.</summary>
    private static double[] Reference(double[] x, double[] gamma, double[] beta, int[] shape)
    {
        int batch = shape[0], channels = shape[1], inner = x.Length / (batch * channels), n = batch * inner;
        var result = new double[x.Length + 2 * channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < inner; i++) sum += x[(b * channels + c) * inner + i];
            double mean = sum / n;
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < inner; i++) squares += Math.Pow(x[(b * channels + c) * inner + i] - mean, 2);
            double variance = squares / n;
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < inner; i++)
                {
                    int e = (b * channels + c) * inner + i;
                    result[e] = (x[e] - mean) / Math.Sqrt(variance + Eps) * gamma[c] + beta[c];
                }
            result[x.Length + c] = mean;
            result[x.Length + channels + c] = variance;
        }
        return result;
    }
}
