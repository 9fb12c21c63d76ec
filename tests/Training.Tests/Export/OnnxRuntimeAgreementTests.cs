using Xunit.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Export;
using Trainer.Training.Loops;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Export;

/// <summary>
/// Every zoo model, trained, exported and run by ONNX Runtime (an independent implementation of
/// every op) on the whole built-in test set: the logits within 1e-4 of the trainer's eval step,
/// the same prediction for every image, and <c>trainer eval</c>'s accuracy and average loss
/// recomputed from ONNX Runtime's logits. Through the dynamic batch axis at 1, 7 and 65 rows.
/// </summary>
public sealed class OnnxRuntimeAgreementTests(ITestOutputHelper log) : IDisposable
{
    public const double Tolerance = 1e-4;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<ModelKind, bool> ZooModels => new()
    {
        { ModelKind.Mlp, false }, { ModelKind.Mlp, true }, { ModelKind.LeNet, false }, { ModelKind.LeNet, true },
    };

    /// <summary>Exports <paramref name="trained"/> with its trained weights (read from the device) to a file and opens it in ONNX Runtime.</summary>
    private InferenceSession Open(TrainedZooModel trained, OnnxExportOptions options, out string path)
    {
        path = System.IO.Path.Combine(dir.Path, $"{trained.Kind}-{options.WithPreprocessing}-{options.Opset}-{options.Fuse}.onnx");
        OnnxExporter.Export(trained.Job.Model, path, options);
        return new InferenceSession(path);
    }

    private void AssertAgrees(TrainedZooModel trained, float[] actual, string what)
    {
        Assert.Equal(trained.Logits.Length, actual.Length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - trained.Logits[i]);
            if (!(d <= worst)) (worst, at) = (d, i);
        }
        Assert.True(worst <= Tolerance,
            $"{what}: logit {at % trained.Classes} of image {at / trained.Classes} is {actual[at]} in ONNX Runtime, {trained.Logits[at]} in the trainer (|diff| {worst:E2} > {Tolerance})");
        log.WriteLine($"{what}: max |ONNX Runtime - trainer| over {actual.Length} logits = {worst:E2}");
        var expected = EvalFigures.Argmax(trained.Logits, trained.Classes);
        var predicted = EvalFigures.Argmax(actual, trained.Classes);
        int first = Array.FindIndex(expected, 0, i => expected[i] != predicted[i]);
        Assert.True(first < 0, $"{what}: image {first} is predicted {predicted.ElementAtOrDefault(first)} by ONNX Runtime, {expected.ElementAtOrDefault(first)} by the trainer");
    }

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Onnx_runtime_gives_the_trainers_logits_and_predictions_at_every_batch_size(ModelKind kind, bool preprocessing)
    {
        var trained = TrainedZooModel.Of(kind);
        using var session = Open(trained, new OnnxExportOptions { WithPreprocessing = preprocessing }, out _);
        foreach (int batch in new[] { 1, 7, 65 })
            AssertAgrees(trained, OnnxRuntimeRun.Logits(session, trained.Test, batch, preprocessing, trained.Classes),
                $"{kind}{(preprocessing ? " with preprocessing" : "")}, batches of {batch}");
    }

    [Theory]
    [InlineData(ModelKind.Mlp)]
    [InlineData(ModelKind.LeNet)]
    public void The_eval_figures_recomputed_from_onnx_runtimes_logits_are_trainer_evals(ModelKind kind)
    {
        var trained = TrainedZooModel.Of(kind);
        using var session = Open(trained, new OnnxExportOptions { WithPreprocessing = true }, out _);
        var logits = OnnxRuntimeRun.Logits(session, trained.Test, 64, rawPixels: true, trained.Classes);
        var labels = trained.Test.LabelBytes.ToArray();
        var (correct, avgLoss) = EvalFigures.Of(logits, labels, trained.Classes, batchSize: 64);
        Assert.Equal(trained.Accuracy, (double)correct / labels.Length);
        Assert.True(Math.Abs(avgLoss - trained.AvgLoss) <= Tolerance,
            $"average loss {avgLoss} from ONNX Runtime's logits, {trained.AvgLoss} from the test loop");
        // Trained, not at chance: the comparison is over real predictions.
        Assert.True(trained.Accuracy > 0.6, $"accuracy {trained.Accuracy} after {TrainedZooModel.Steps} steps");
    }

    [Theory]
    [InlineData(ModelKind.Mlp, 13)]
    [InlineData(ModelKind.LeNet, 21)]
    public void The_unfused_graph_and_other_opsets_mean_the_same_model(ModelKind kind, int opset)
    {
        var trained = TrainedZooModel.Of(kind);
        using var unfused = Open(trained, new OnnxExportOptions { Fuse = false, WithPreprocessing = true }, out string path);
        AssertAgrees(trained, OnnxRuntimeRun.Logits(unfused, trained.Test, 65, rawPixels: true, trained.Classes), $"{kind} unfused");
        Assert.Contains(OnnxModelText(path), s => s.Contains("Add", StringComparison.Ordinal));
        using var other = Open(trained, new OnnxExportOptions { Opset = opset }, out _);
        AssertAgrees(trained, OnnxRuntimeRun.Logits(other, trained.Test, 65, rawPixels: false, trained.Classes), $"{kind} at opset {opset}");
    }

    /// <summary>The op types of the model's nodes, as ONNX Runtime's own parser reads the file (through the exporter's classes).</summary>
    private static IEnumerable<string> OnnxModelText(string path) =>
        Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType);

    [Fact]
    public void The_model_declares_a_symbolic_batch_its_names_classes_and_producer()
    {
        var trained = TrainedZooModel.Of(ModelKind.LeNet);
        using var session = Open(trained, new OnnxExportOptions { WithPreprocessing = true, ModelName = "lenet", ProducerVersion = "1.2.3" }, out _);
        var input = session.InputMetadata.Single();
        Assert.Equal("input", input.Key);
        Assert.Equal(typeof(byte), input.Value.ElementType);
        Assert.Equal([-1, 1, 28, 28], input.Value.Dimensions);
        Assert.Equal(["N", "", "", ""], input.Value.SymbolicDimensions);
        var output = session.OutputMetadata.Single();
        Assert.Equal("logits", output.Key);
        Assert.Equal([-1, 10], output.Value.Dimensions);
        var meta = session.ModelMetadata;
        Assert.Equal("trainer", meta.ProducerName);
        Assert.Equal("lenet", meta.GraphName);
        Assert.Equal("10", meta.CustomMetadataMap["classes"]);
        Assert.Equal("lenet", meta.CustomMetadataMap["model"]);
        Assert.StartsWith("rescale(scale=0.003921569,shift=0) normalize(mean=0.1307,std=0.3081)", meta.CustomMetadataMap["preprocessing"]);
    }

    [Fact]
    public void Weights_read_from_a_checkpoint_give_the_same_model_as_the_device_ones()
    {
        var trained = TrainedZooModel.Of(ModelKind.Mlp);
        string checkpoint = System.IO.Path.Combine(dir.Path, "mlp.safetensors");
        QuickstartCheckpoint.Save(trained.Job.Steps, new CheckpointInfo { Model = ModelKind.Mlp }, checkpoint);
        var file = SafeTensors.Read(checkpoint);
        var fresh = new QuickstartSteps(seed: 99, 0.01f).Model;
        var fromFile = OnnxExporter.ToBytes(fresh, null, p => file.ReadFloat32(p.Name, p.Type.Shape));
        Assert.Equal(OnnxExporter.ToBytes(trained.Job.Model), fromFile);
    }
}
