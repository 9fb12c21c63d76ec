using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>Every unary primitive of <see cref="Ops"/>, differentiated eagerly and compiled, on every test device, at awkward sizes.</summary>
public sealed class UnaryOpTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private static readonly int[] Sizes = [1, 7, 63, 65, 257];

    private static readonly Dictionary<string, (Func<Tensor, Tensor> Op, Func<double, double> Reference, float Low, float High)> Cases = new()
    {
        ["neg"] = (Ops.Neg, x => -x, -2f, 2f),
        ["exp"] = (Ops.Exp, Math.Exp, -2f, 2f),
        ["log"] = (Ops.Log, Math.Log, 0.2f, 3f),
        ["sqrt"] = (Ops.Sqrt, Math.Sqrt, 0.2f, 3f),
        ["tanh"] = (Ops.Tanh, Math.Tanh, -2f, 2f),
        ["sigmoid"] = (Ops.Sigmoid, x => 1 / (1 + Math.Exp(-x)), -3f, 3f),
        ["abs"] = (Ops.Abs, Math.Abs, -2f, 2f),
        ["square"] = (Ops.Square, x => x * x, -2f, 2f),
        ["mul_scalar"] = (x => Ops.Mul(x, 1.5f), x => x * 1.5, -2f, 2f),
        ["add_scalar"] = (x => Ops.Add(x, -0.5f), x => x - 0.5, -2f, 2f),
    };

    public static TheoryData<DeviceKind, string> All()
    {
        var data = new TheoryData<DeviceKind, string>();
        foreach (var device in TestDevices.All)
            foreach (string name in Cases.Keys)
                data.Add(device, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Gradient_matches_finite_differences_and_eager_equals_compiled(DeviceKind device, string name)
    {
        var (op, reference, low, high) = Cases[name];
        foreach (int n in Sizes)
        {
            var x = PrimitiveCheck.Uniform(n, n, low, high);
            // Keep |x| away from 0 where the derivative jumps (abs), beyond the finite-difference step.
            for (int i = 0; i < n; i++) if (Math.Abs(x[i]) < 1e-3f) x[i] = 0.5f;
            PrimitiveCheck.Run(sessions.Get(device), $"{name}{n}", p => op(p[0]), [[n]], [x], [n], p => p[0].Select(reference).ToArray());
        }
    }
}
