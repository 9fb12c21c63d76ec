using Trainer.Kernels.Device;
using Trainer.Training.Loops;
using Trainer.Training.Optim;

namespace Trainer.Training.Tests.Optim;

/// <summary>The momentum optimizer against the float64 trajectory (a ← a·m + g, p ← p − lr·a), eagerly and compiled, on every test device.</summary>
public sealed class MomentumTests
{
    private const float LearningRate = 0.1f, Coefficient = 0.9f;
    private const int Steps = 3;

    public static TheoryData<DeviceKind, ExecutionMode, bool, float> Cases() => OptimizerTrajectory.CasesWithDecay();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Three_steps_follow_the_float64_trajectory(DeviceKind device, ExecutionMode mode, bool fuse, float weightDecay)
    {
        using var session = Session.Open(device);
        var (parameters, optimizer, flat, gradient) = OptimizerTrajectory.Run(device, mode, fuse, Steps,
            ps => new Momentum(ps, LearningRate, Coefficient, weightDecay), session);
        Assert.Equal(parameters.Select(p => "moments." + p.Name), optimizer.State.Select(s => s.Name));

        var accumulations = flat.Select(p => new double[p.Length]).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            var grads = gradient(flat);
            for (int p = 0; p < flat.Length; p++)
                for (int k = 0; k < flat[p].Length; k++)
                {
                    accumulations[p][k] = accumulations[p][k] * Coefficient + (grads[p][k] + weightDecay * flat[p][k]);
                    flat[p][k] -= LearningRate * accumulations[p][k];
                }
        }
        for (int p = 0; p < flat.Length; p++)
        {
            OptimizerTrajectory.AssertClose(flat[p], parameters[p].ToFloatArray(), parameters[p].Name);
            OptimizerTrajectory.AssertClose(accumulations[p], optimizer.State[p].ToFloatArray(), optimizer.State[p].Name);
        }
    }

    [Fact]
    public void Rejects_bad_settings_with_the_value()
    {
        var p = new Parameter("w", Graph.Ir.TensorType.Float(2), [1f, 2f]);
        Assert.Contains("got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1f, 1f)).Message);
        Assert.Contains("got -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1f, -0.5f)).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0f, 0.9f)).Message);
        Assert.Contains("weight decay must be a non-negative number, got -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum([p], 0.1f, 0.9f, -0.1f)).Message);
    }
}
