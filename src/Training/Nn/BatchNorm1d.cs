namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.9)</c> over [N, C] (or [N, C, L]) input: one mean
/// and variance per feature over N (and L) (see <see cref="BatchNorm"/> for the statistics, buffers and names).
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Batch normalisation of <paramref name="numFeatures"/> features of [N, C] or [N, C, L] input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is not positive, eps not positive and finite, or momentum outside [0, 1].</exception>
    public BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.9f)
        : base(nameof(BatchNorm1d), numFeatures, eps, momentum)
    {
    }

    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    private protected override string ExpectedShape => "[N, C] or [N, C, L]";
}
