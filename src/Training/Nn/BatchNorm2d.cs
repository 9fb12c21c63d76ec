namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.9)</c> over NCHW input: one mean and variance
/// per channel over N, H and W (see <see cref="BatchNorm"/> for the statistics, buffers and names).
/// </summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Batch normalisation of <paramref name="numFeatures"/> channels of NCHW input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is not positive, eps not positive and finite, or momentum outside [0, 1].</exception>
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.9f)
        : base(nameof(BatchNorm2d), numFeatures, eps, momentum)
    {
    }

    private protected override bool AcceptsRank(int rank) => rank == 4;

    private protected override string ExpectedShape => "[N, C, H, W]";
}
