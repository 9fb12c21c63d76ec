using Trainer.Kernels.Device;
using Trainer.Training.Loops;
using Trainer.Training.Optim;

namespace Trainer.Training.Tests.Optim;

/// <summary>
/// Adam against the float64 trajectory of MindSpore's ApplyAdam (βᵢᵗ = βᵢ^t, lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ),
/// m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂), p ← p − lr_t·m/(√v + ε)), eagerly and compiled,
/// on every test device; the beta powers end at β₁⁴ and β₂⁴ after four steps.
/// </summary>
public sealed class AdamTests
{
    private const float LearningRate = 0.01f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
    private const int Steps = 4;

    public static TheoryData<DeviceKind, ExecutionMode, bool, float> Cases() => OptimizerTrajectory.CasesWithDecay();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Four_steps_follow_the_float64_trajectory(DeviceKind device, ExecutionMode mode, bool fuse, float weightDecay)
    {
        using var session = Session.Open(device);
        var (parameters, optimizer, flat, gradient) = OptimizerTrajectory.Run(device, mode, fuse, Steps,
            ps => new Adam(ps, LearningRate, Beta1, Beta2, Epsilon, weightDecay), session);
        var adam = (Adam)optimizer;
        Assert.Equal(parameters.Select(p => "moment1." + p.Name), adam.FirstMoments.Select(s => s.Name));
        Assert.Equal(parameters.Select(p => "moment2." + p.Name), adam.SecondMoments.Select(s => s.Name));
        Assert.Equal(["beta1_power", "beta2_power"], adam.State.TakeLast(2).Select(s => s.Name));

        var m = flat.Select(p => new double[p.Length]).ToArray();
        var v = flat.Select(p => new double[p.Length]).ToArray();
        for (int t = 1; t <= Steps; t++)
        {
            var grads = gradient(flat);
            double step = LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t));
            for (int p = 0; p < flat.Length; p++)
                for (int k = 0; k < flat[p].Length; k++)
                {
                    double g = grads[p][k] + weightDecay * flat[p][k];
                    m[p][k] += (g - m[p][k]) * (1 - (double)Beta1);
                    v[p][k] += (g * g - v[p][k]) * (1 - (double)Beta2);
                    flat[p][k] -= step * m[p][k] / (Math.Sqrt(v[p][k]) + Epsilon);
                }
        }
        for (int p = 0; p < flat.Length; p++)
        {
            OptimizerTrajectory.AssertClose(flat[p], parameters[p].ToFloatArray(), parameters[p].Name);
            OptimizerTrajectory.AssertClose(m[p], adam.FirstMoments[p].ToFloatArray(), adam.FirstMoments[p].Name);
            OptimizerTrajectory.AssertClose(v[p], adam.SecondMoments[p].ToFloatArray(), adam.SecondMoments[p].Name);
        }
        Assert.Equal(Math.Pow(Beta1, Steps), adam.State[^2].ToFloatArray()[0], 6);
        Assert.Equal(Math.Pow(Beta2, Steps), adam.State[^1].ToFloatArray()[0], 6);
    }

    [Fact]
    public void Rejects_bad_settings_with_the_value()
    {
        var p = new Parameter("w", Graph.Ir.TensorType.Float(2), [1f, 2f]);
        Assert.Contains("beta1 must be at least 0 and below 1, got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], 0.1f, beta1: 1f)).Message);
        Assert.Contains("beta2 must be at least 0 and below 1, got -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], 0.1f, beta2: -0.1f)).Message);
        Assert.Contains("eps must be a positive number, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], 0.1f, epsilon: 0f)).Message);
    }
}
