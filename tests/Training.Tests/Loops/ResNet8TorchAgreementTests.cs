using System.Diagnostics;
using System.Runtime.InteropServices;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Jit;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Optim;
using Trainer.Training.Tests.Data;
using Xunit.Abstractions;

namespace Trainer.Training.Tests.Loops;

/// <summary>
/// ResNet-8 against PyTorch 1.13 (bench/torch_batchnorm.py): PyTorch's initial weights loaded under PyTorch's names,
/// the same 20 SGD-with-momentum steps on the same batches, compiled on the native CPU backend; then every
/// BatchNorm's moving mean and variance must match PyTorch's running_mean and running_var within 1e-5 relative, and
/// the eval-mode logits within 1e-4.
/// </summary>
public sealed class ResNet8TorchAgreementTests(CpuSession cpu, ITestOutputHelper output) : IClassFixture<CpuSession>
{
    private const int Steps = 20, Batch = 16;

    [PythonTorchFact]
    public void Running_statistics_and_eval_logits_match_pytorch_after_twenty_steps()
    {
        using var dir = new TempDirectory();
        string script = Path.Combine(Checkpoints.SafeTensorsScript.RepositoryRoot(), "bench", "torch_batchnorm.py");
        using (var process = Process.Start(new ProcessStartInfo(PythonTorchFactAttribute.Python, [script, dir.Path]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            string err = process.StandardError.ReadToEnd();
            output.WriteLine(process.StandardOutput.ReadToEnd().Trim());
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"torch_batchnorm.py failed: {err}");
        }
        var data = Tensors(Path.Combine(dir.Path, "data.safetensors"));
        var expected = Tensors(Path.Combine(dir.Path, "expected.safetensors"));

        var net = new ResNet8(channels: 3, classes: 10);
        var session = cpu.Session;
        session.Place(net);
        TrainingCheckpoint.Load(Path.Combine(dir.Path, "weights.safetensors"), session, net);
        var optimizer = new Momentum(net.TrainableParams(), 0.01f, 0.9f);
        session.Place(optimizer);
        var lossFn = new CrossEntropyLoss();
        var gradFn = Autograd.ValueAndGrad((x, y) => lossFn.Call(net.Call(x), y), null, optimizer.Parameters);
        using var step = StepCompiler.Compile(session, "train_step", (x, y) =>
        {
            var (loss, grads) = gradFn(x, y);
            return [Ops.Depend(loss, optimizer.Step(grads))];
        });
        net.SetTrain();
        for (int k = 0; k < Steps; k++)
        {
            var labels = data[$"y.{k}"].Select(v => (int)v).ToArray();
            step.Call(new HostTensor([Batch, 3, 8, 8], data[$"x.{k}"]), new HostTensor([Batch], labels));
        }

        // Relative to the statistic's scale: a variance's own size; a mean's size or the channel's standard deviation,
        // whichever is larger (a mean near 0 is a difference of nearly equal sums and has no relative precision of its own).
        double worstStatistic = 0;
        var problems = new List<string>();
        foreach (var (name, buffer) in net.NamedBuffers())
        {
            bool isMean = name.EndsWith("moving_mean", StringComparison.Ordinal);
            string torchName = name.Replace("moving_mean", "running_mean").Replace("moving_variance", "running_var");
            var theirs = expected[torchName];
            var variance = expected[torchName.Replace("running_mean", "running_var")];
            var ours = buffer.ToFloatArray();
            for (int c = 0; c < ours.Length; c++)
            {
                double scale = isMean ? Math.Max(Math.Abs(theirs[c]), Math.Sqrt(variance[c])) : Math.Abs(theirs[c]);
                double relative = Math.Abs(ours[c] - theirs[c]) / scale;
                worstStatistic = Math.Max(worstStatistic, relative);
                if (relative > 1e-5) problems.Add($"{name}[{c}]: ours {ours[c]:R}, PyTorch {theirs[c]:R} (relative {relative:G3})");
            }
        }
        output.WriteLine($"largest relative difference of a running statistic {worstStatistic:G3} (bound 1e-5)");
        Assert.True(problems.Count == 0, $"{problems.Count} statistics differ, the first: {string.Join("; ", problems.Take(3))}");

        net.SetTrain(false);
        using var eval = StepCompiler.Compile(session, "eval", x => [net.Call(x)]);
        var logits = eval.Call(new HostTensor([Batch, 3, 8, 8], data["eval_x"]))[0].ToFloatArray();
        var torchLogits = expected["logits"];
        double worstLogit = logits.Select((v, i) => Math.Abs(v - torchLogits[i])).Max();
        output.WriteLine($"largest difference of an eval logit {worstLogit:G3} (bound 1e-4)");
        Assert.True(worstLogit <= 1e-4, $"eval logits differ from PyTorch's by up to {worstLogit:G3}");
    }

    /// <summary>The float32 tensors of a safetensors file by name (labels are stored as F32 too).</summary>
    private static Dictionary<string, float[]> Tensors(string path) =>
        WeightFiles.Read(path).Tensors.Where(t => t.Dtype == "F32")
            .ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray());
}
