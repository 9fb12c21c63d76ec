using System.Globalization;

namespace Trainer.Training.Nn;

/// <summary>
/// Batch normalisation over every axis but the channel axis 1 (MindSpore's <c>_BatchNorm</c>, the family of
/// <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>): y = (x − mean) / √(var + eps) · gamma + beta.
/// In training the mean and the biased variance are the batch's, and the buffers move in the step, MindSpore's way:
/// <c>moving_mean ← momentum·moving_mean + (1 − momentum)·mean</c>, and the same for <c>moving_variance</c> with the
/// unbiased batch variance (var·n/(n − 1), n the values per channel), as PyTorch and MindSpore do. In evaluation the
/// moving statistics normalise and nothing is written. Parameters <c>gamma</c> (ones) and <c>beta</c> (zeros); buffers
/// <c>moving_mean</c> (zeros) and <c>moving_variance</c> (ones). A checkpoint with PyTorch's names
/// (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>) loads too.
/// </summary>
/// <remarks>
/// In training one fused op each way (<see cref="Graph.Ops.Primitives.BatchNormTrainingOp"/>: each channel's statistics,
/// then its output; its gradient one kernel for dx, dgamma and dbeta), summed in a fixed order, so eager and compiled
/// execution run the same kernels and agree bit for bit on every backend and thread count. Evaluation is composed from
/// primitive ops (the scale and shift, then <see cref="Ops.BiasAdd(Tensor, Tensor, int)"/>), the pattern that
/// <see cref="Graph.Passes.ConvBatchNormFolding"/> folds into the convolution before it. The buffer writes are <see cref="Ops.Assign"/> side effects that the
/// output depends on, so a compiled step keeps them, ordered after this layer's reads.
/// </remarks>
public abstract class BatchNorm : Cell
{
    private readonly string layer;

    /// <summary>A batch normalisation of <paramref name="numFeatures"/> channels; <paramref name="layer"/> names the concrete cell in messages.</summary>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is not positive, eps not positive and finite, or momentum outside [0, 1].</exception>
    private protected BatchNorm(string layer, int numFeatures, float eps, float momentum)
    {
        this.layer = layer;
        if (numFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), string.Create(CultureInfo.InvariantCulture, $"{layer}({numFeatures}): num_features must be positive"));
        if (!(eps > 0) || !float.IsFinite(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), string.Create(CultureInfo.InvariantCulture, $"{layer}: eps {eps} must be positive and finite"));
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), string.Create(CultureInfo.InvariantCulture, $"{layer}: momentum {momentum} must be in [0, 1] (MindSpore's convention: the weight of the old moving value)"));
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Gamma = RegisterParameter("gamma", new Parameter("gamma", new Shape(numFeatures), Enumerable.Repeat(1f, numFeatures).ToArray()));
        Beta = RegisterParameter("beta", new Parameter("beta", new Shape(numFeatures), new float[numFeatures]));
        MovingMean = RegisterBuffer("moving_mean", new Shape(numFeatures), new float[numFeatures]);
        MovingVariance = RegisterBuffer("moving_variance", new Shape(numFeatures), Enumerable.Repeat(1f, numFeatures).ToArray());
    }

    /// <summary>Channels normalised (axis 1 of the input).</summary>
    public int NumFeatures { get; }
    /// <summary>Added to the variance before its square root.</summary>
    public float Eps { get; }
    /// <summary>The weight of the old moving statistic in each update (MindSpore's convention; PyTorch's momentum is 1 − this).</summary>
    public float Momentum { get; }
    /// <summary>The per-channel scale, [C], ones at first (PyTorch's <c>weight</c>).</summary>
    public Parameter Gamma { get; }
    /// <summary>The per-channel shift, [C], zeros at first (PyTorch's <c>bias</c>).</summary>
    public Parameter Beta { get; }
    /// <summary>The moving mean, [C], zeros at first (PyTorch's <c>running_mean</c>).</summary>
    public Parameter MovingMean { get; }
    /// <summary>The moving unbiased variance, [C], ones at first (PyTorch's <c>running_var</c>).</summary>
    public Parameter MovingVariance { get; }

    /// <summary>Whether <paramref name="rank"/> is an input rank this layer takes.</summary>
    private protected abstract bool AcceptsRank(int rank);

    /// <summary>The input shapes this layer takes, for messages, e.g. <c>[N, C, H, W]</c>.</summary>
    private protected abstract string ExpectedShape { get; }

    /// <summary>MindSpore's fields: <c>num_features=16, eps=1e-05, momentum=0.9</c>.</summary>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture,
        $"num_features={NumFeatures}, eps={Eps.ToString("G6", CultureInfo.InvariantCulture).ToLowerInvariant()}, momentum={Momentum:G6}");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not of the layer's shape with <see cref="NumFeatures"/> channels, or in training holds one value per channel.</exception>
    public override Tensor Construct(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var shape = x.Shape;
        if (!AcceptsRank(shape.Rank) || shape[1] != NumFeatures)
            throw new ArgumentException($"{layer}({NumFeatures}) expects input {ExpectedShape} with C = {NumFeatures}, got {shape}", nameof(x));
        var column = Enumerable.Range(0, shape.Rank).Select(a => a == 1 ? NumFeatures : 1).ToArray();
        if (!Training)
        {
            // y = x·scale + shift with scale = gamma/√(moving_var + eps), shift = beta − moving_mean·scale: two passes over x.
            var scale = Ops.Div(Gamma, Ops.Sqrt(Ops.Add(MovingVariance, Eps)));
            var shift = Ops.Sub(Beta, Ops.Mul(MovingMean, scale));
            return Ops.BiasAdd(Ops.Mul(x, Ops.Reshape(scale, column)), shift, axis: 1);
        }
        long n = shape.ElementCount / NumFeatures;
        if (n < 2)
            throw new ArgumentException($"{layer}({NumFeatures}) in training needs more than one value per channel, got input {shape}", nameof(x));
        var (y, mean, variance) = Ops.BatchNormTraining(x, Gamma, Beta, Eps);

        float keep = Momentum, take = 1f - Momentum;
        float takeUnbiased = (float)((1.0 - Momentum) * n / (n - 1));
        var meanUpdate = Ops.Assign(MovingMean, Ops.Add(Ops.Mul(MovingMean, keep), Ops.Mul(mean, take)));
        var varianceUpdate = Ops.Assign(MovingVariance, Ops.Add(Ops.Mul(MovingVariance, keep), Ops.Mul(variance, takeUnbiased)));
        return Ops.Depend(y, meanUpdate, varianceUpdate);
    }
}
