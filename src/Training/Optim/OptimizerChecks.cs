using System.Globalization;

namespace Trainer.Training.Optim;

/// <summary>The argument checks every optimizer makes.</summary>
internal static class OptimizerChecks
{
    public static void LearningRate(float learningRate)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be a positive number, got {learningRate.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// A learning rate set between steps (a schedule's): a finite number at least 0, since schedules
    /// reach 0 (cosine annealing's end, a warm-up's first step); returns it.
    /// </summary>
    public static float NewLearningRate(float learningRate)
    {
        if (!(learningRate >= 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be a finite number at least 0, got {learningRate.ToString(CultureInfo.InvariantCulture)}");
        return learningRate;
    }

    public static void WeightDecay(float weightDecay)
    {
        if (!(weightDecay >= 0) || float.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weight decay must be a non-negative number, got {weightDecay.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>", weight decay w" when w is not 0, for descriptions.</summary>
    public static string DecaySuffix(float weightDecay) => weightDecay == 0 ? "" : ", weight decay " + weightDecay.ToString(CultureInfo.InvariantCulture);

    public static void GradientCount(IOptimizer optimizer, IReadOnlyList<Tensor> grads)
    {
        if (grads.Count != optimizer.Parameters.Count)
            throw new ArgumentException($"{optimizer.Description} has {optimizer.Parameters.Count} parameters but got {grads.Count} gradients");
    }
}
