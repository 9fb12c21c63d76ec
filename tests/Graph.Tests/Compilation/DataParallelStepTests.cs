using Trainer.Graph.Tests.TestSupport;
using Trainer.Graph.Autodiff;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Parallel;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Tests.Compilation;

/// <summary>
/// A compiled data-parallel step run on the native CPU backend with a stand-in reducer that
/// multiplies every gradient by a known factor: the update must use the reduced gradient.
/// </summary>
public class DataParallelStepTests
{
    private const float Lr = 0.25f;
    private const float Factor = 3f;
    private static readonly float[] X = [0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f];
    private static readonly int[] Labels = [1, 0];
    private static readonly float[] W = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.05f];
    private static readonly float[] B = [0.2f, -0.1f];
    private const long BiasOffset = 256, ParameterBlockBytes = 512;

    /// <summary>Dense 3→2 on a batch of 2: logits = x·Wᵀ + b, softmax cross-entropy, SGD on W and b.</summary>
    private static Ir.Graph DenseStep()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(2, 3));
        var label = g.AddInput("label", TensorType.Int(2));
        var w = g.AddParameter("w", TensorType.Float(2, 3));
        var b = g.AddParameter("b", TensorType.Float(2));
        var logits = g.Add(Op.Of(OpKind.BiasAdd), g.Add(Op.MatMul(false, true), x, w), b);
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label);
        var grads = GraphAutodiff.Gradients(g, loss, [w, b]);
        var result = g.Add(Op.Of(OpKind.Depend), loss);
        result.ControlInputs.AddRange([g.Add(Op.Sgd(), w, grads[0], HyperparameterInputs.Sgd(g)), g.Add(Op.Sgd(), b, grads[1], HyperparameterInputs.Sgd(g))]);
        g.Outputs.Add(("loss", result));
        return g;
    }

    /// <summary>W and b after one step whose gradients are scaled by <paramref name="factor"/>, in float64.</summary>
    private static (double[] W, double[] B) Reference(double factor)
    {
        var dW = new double[6];
        var dB = new double[2];
        for (int n = 0; n < 2; n++)
        {
            var z = new double[2];
            for (int o = 0; o < 2; o++)
            {
                z[o] = B[o];
                for (int i = 0; i < 3; i++) z[o] += (double)X[n * 3 + i] * W[o * 3 + i];
            }
            double max = Math.Max(z[0], z[1]), sum = Math.Exp(z[0] - max) + Math.Exp(z[1] - max);
            for (int o = 0; o < 2; o++)
            {
                double dz = (Math.Exp(z[o] - max) / sum - (Labels[n] == o ? 1 : 0)) / 2; // mean over the batch of 2
                dB[o] += dz;
                for (int i = 0; i < 3; i++) dW[o * 3 + i] += dz * X[n * 3 + i];
            }
        }
        return (W.Select((w, i) => w - Lr * factor * dW[i]).ToArray(), B.Select((b, i) => b - Lr * factor * dB[i]).ToArray());
    }

    private static (float[] W, float[] B, List<long> Reduced) RunStep(int worldSize, HostGradientReducer.Reduce? reduce)
    {
        var program = GraphProgram.Build(DenseStep(), new CompileOptions(WorldSize: worldSize));
        using var backend = new CpuBackend(threads: 1);
        var block = backend.Allocate(ParameterBlockBytes); // one allocation, as the multi-tensor update needs
        DeviceBuffer w = block.Slice(0, W.Length * sizeof(float)), b = block.Slice(BiasOffset, B.Length * sizeof(float));
        var reduced = new List<long>();
        try
        {
            backend.Upload<float>(w, W);
            backend.Upload<float>(b, B);
            var reducer = reduce is null ? null : new HostGradientReducer(backend, worldSize, v => { reduced.Add(v.Length); reduce(v); });
            using var compiled = CompiledGraph.Bind(program, backend, new Dictionary<string, DeviceBuffer> { ["w"] = w, ["b"] = b }, reducer: reducer);
            backend.Upload<float>(compiled.Input("x").Buffer, X);
            backend.Upload<int>(compiled.Input("label").Buffer, Labels);
            backend.Upload<float>(compiled.Input(HyperparameterInputs.Sgd(program.Graph).Op.Name!).Buffer, [Lr]);
            compiled.Run();
            var newW = new float[W.Length];
            var newB = new float[B.Length];
            backend.Download<float>(w, newW);
            backend.Download<float>(b, newB);
            return (newW, newB, reduced);
        }
        finally
        {
            backend.Free(block);
        }
    }

    [Fact]
    public void The_update_uses_the_reduced_gradient()
    {
        var (w, b, reduced) = RunStep(2, v => { foreach (ref float x in v) x *= Factor; });

        var (refW, refB) = Reference(Factor);
        for (int i = 0; i < w.Length; i++) Assert.Equal(refW[i], w[i], 1e-6);
        for (int i = 0; i < b.Length; i++) Assert.Equal(refB[i], b[i], 1e-6);
        // One collective a step, over both gradients: W's 6 values and b's 2.
        Assert.Equal([8L], reduced);
        // Against the unscaled reference, the step would be off: the factor did reach the update.
        Assert.True(Math.Abs(Reference(1).W[0] - w[0]) > 1e-3);
    }

    [Fact]
    public void An_identity_reducer_gives_the_single_process_step_bit_for_bit()
    {
        var one = RunStep(1, null);
        var two = RunStep(2, _ => { });

        Assert.Equal(one.W, two.W);
        Assert.Equal(one.B, two.B);
        Assert.Empty(one.Reduced);
        Assert.Equal([8L], two.Reduced);
    }

    [Fact]
    public void A_data_parallel_step_without_a_reducer_does_not_bind()
    {
        var e = Assert.Throws<GraphCompileException>(() => RunStep(2, null));
        Assert.Contains("no gradient reducer was supplied", e.Message);
    }

    [Fact]
    public void A_data_parallel_step_turns_capture_off_and_says_why()
    {
        var program = GraphProgram.Build(DenseStep(), new CompileOptions(WorldSize: 2));
        using var backend = new CpuBackend(threads: 1);
        var block = backend.Allocate(ParameterBlockBytes); // one allocation, as the multi-tensor update needs
        DeviceBuffer w = block.Slice(0, W.Length * sizeof(float)), b = block.Slice(BiasOffset, B.Length * sizeof(float));
        try
        {
            var warnings = new List<string>();
            var policy = new StepCapturePolicy(true, warnings.Add);
            using var compiled = CompiledGraph.Bind(program, backend, new Dictionary<string, DeviceBuffer> { ["w"] = w, ["b"] = b },
                policy, new HostGradientReducer(backend, 2, _ => { }));
            Assert.False(policy.Enabled);
            Assert.Equal(["warning: CUDA graph replay is off, launching kernels directly: the step's gradient all-reduce goes through the host, which a CUDA graph cannot record"], warnings);
        }
        finally
        {
            backend.Free(block);
        }
    }
}
