using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Export;
using Trainer.Training.Loops;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Export;

/// <summary>The exporter on a user's own cell, and every way it refuses: ops ONNX cannot express, a folded batch axis, bad weights, options and paths.</summary>
public sealed class OnnxExporterTests : IClassFixture<CpuSession>, IDisposable
{
    private readonly Session session;
    private readonly TempDirectory dir = new();

    public OnnxExporterTests(CpuSession cpu) => session = cpu.Session;

    public void Dispose() => dir.Dispose();

    /// <summary>A user's cell that is not in the zoo: strided, padded convolution without bias, an odd pool, a non-square 3-channel image.</summary>
    private sealed class SmallNet : Cell
    {
        private readonly Conv2d conv = new(3, 4, 3, stride: 2, padding: 1);
        private readonly ReLU relu = new();
        private readonly MaxPool2d pool = new(3, 1);
        private readonly Flatten flatten = new();
        private readonly Dense dense = new(4 * 3 * 5, 7);

        public SmallNet()
        {
            Register("conv", conv);
            Register("dense", dense);
        }

        public override Tensor Construct(Tensor x) => dense.Call(flatten.Call(pool.Call(relu.Call(conv.Call(x)))));
    }

    [Fact]
    public void A_users_cell_runs_in_onnx_runtime_as_it_runs_eagerly_here()
    {
        GlobalSeed.Set(11);
        var net = new SmallNet();
        session.Place(net);
        int[] image = [3, 9, 13];
        const int batch = 7;
        var random = new Random(3);
        var input = new float[batch * 3 * 9 * 13];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
        var expected = net.Call(session.ToDevice(new HostTensor([batch, .. image], input))).ToFloatArray();
        session.EndStep();

        string path = System.IO.Path.Combine(dir.Path, "small.onnx");
        OnnxExporter.Export(net, path, new OnnxExportOptions { ImageShape = image, InputName = "pixels", OutputName = "scores", BatchDimension = "batch" });
        using var ort = new InferenceSession(path);
        Assert.Equal("SmallNet", ort.ModelMetadata.GraphName);
        Assert.Equal("7", ort.ModelMetadata.CustomMetadataMap["classes"]);
        Assert.Equal(["batch", "", "", ""], ort.InputMetadata["pixels"].SymbolicDimensions);
        using var results = ort.Run([NamedOnnxValue.CreateFromTensor("pixels", new DenseTensor<float>(input, [batch, .. image]))]);
        var actual = results.Single(r => r.Name == "scores").AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4, $"output {i}: {actual[i]} in ONNX Runtime, {expected[i]} here");
    }

    [Fact]
    public void Class_names_go_into_the_metadata_and_a_count_other_than_the_classes_is_refused()
    {
        GlobalSeed.Set(5);
        string[] names = ["a", "b, \"c\"", "été", "d", "e", "f", "g"];
        var model = OnnxExporter.ToModel(new SmallNet(), new OnnxExportOptions { ImageShape = [3, 9, 13], ClassNames = names }, null);
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(names, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["class_names"]));
        Assert.Equal("NCHW", metadata["layout"]);
        Assert.DoesNotContain(OnnxExporter.ToModel(new SmallNet(), new OnnxExportOptions { ImageShape = [3, 9, 13] }, null).MetadataProps, p => p.Key == "class_names");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToModel(new SmallNet(), new OnnxExportOptions { ImageShape = [3, 9, 13], ClassNames = names[..6] }, null));
        Assert.Equal("6 class names for a model of 7 classes; give one name per class", e.Message);
    }

    [Fact]
    public void A_table_model_takes_rows_of_features_laid_out_NF()
    {
        GlobalSeed.Set(5);
        var model = OnnxExporter.ToModel(new Dense(257, 3), new OnnxExportOptions { ImageShape = [257] }, null);
        Assert.Equal("NF", model.MetadataProps.Single(p => p.Key == "layout").Value);
        Assert.Equal(2, model.Graph.Input.Single().Type.TensorType.Shape.Dim.Count);
        Assert.Equal(257, model.Graph.Input.Single().Type.TensorType.Shape.Dim[1].DimValue);
    }

    /// <summary>
    /// ResNet-8 in eval mode, its BatchNorms with moving statistics and affine parameters away from their initial values,
    /// at opset 17 (ReduceMean's axes an attribute) and 18 (an input): ONNX Runtime's logits equal ours within 1e-4.
    /// </summary>
    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    public void ResNet8_with_its_batch_norms_runs_in_onnx_runtime_as_it_evaluates_here(int opset)
    {
        GlobalSeed.Set(5);
        var net = new Trainer.Training.Loops.ResNet8(channels: 2, classes: 5);
        session.Place(net);
        var random = new Random(7);
        float[] Draw(long n, double low, double high) => Enumerable.Range(0, (int)n).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();
        foreach (var (name, p) in net.NamedState().Where(s => s.Name.Contains("bn", StringComparison.Ordinal)))
            session.Assign(p, name.EndsWith("variance", StringComparison.Ordinal) ? Draw(p.ElementCount, 0.2, 3) : Draw(p.ElementCount, -1, 1));
        int[] image = [2, 11, 9];
        const int batch = 3;
        var input = Draw(batch * 2 * 11 * 9, -2, 2);
        net.SetTrain(false);
        var expected = net.Call(session.ToDevice(new HostTensor([batch, .. image], input))).ToFloatArray();
        session.EndStep();
        net.SetTrain(true);

        string path = System.IO.Path.Combine(dir.Path, $"resnet8-{opset}.onnx");
        OnnxExporter.Export(net, path, new OnnxExportOptions { ImageShape = image, Opset = opset });
        using var ort = new InferenceSession(path);
        string inputName = ort.InputMetadata.Keys.Single();
        using var results = ort.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, [batch, .. image]))]);
        var actual = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4, $"logit {i}: {actual[i]} in ONNX Runtime, {expected[i]} here");
    }

    /// <summary>
    /// Layers whose width equals the batch the exporter traces with (<see cref="OnnxGraphWriter.TraceBatch"/>): a
    /// BatchNorm1d of that many features and a BatchNorm2d of that many channels after a pooling (not folded into a
    /// convolution), whose per-feature statistics are reshaped. They carry no batch axis, whatever their first size.
    /// The network ends in a Softmax or LogSoftmax (ReduceMax, Exp, ReduceSum, Log: axes an attribute or an input by opset).
    /// </summary>
    [Theory]
    [InlineData(1, 13, false)]
    [InlineData(7, 17, true)]
    [InlineData(7, 18, false)]
    public void Layers_as_wide_as_the_trace_batch_export_with_their_own_shapes(int batch, int opset, bool log)
    {
        GlobalSeed.Set(13);
        const int width = OnnxGraphWriter.TraceBatch;
        var net = new SequentialCell(
            new Conv2d(2, width, 3, stride: 1, padding: 1), new MaxPool2d(2), new BatchNorm2d(width), new ReLU(),
            new Flatten(), new Dense(width * 3 * 2, width), new BatchNorm1d(width), log ? new LogSoftmax() : new Softmax());
        session.Place(net);
        var random = new Random(17);
        float[] Draw(long n, double low, double high) => Enumerable.Range(0, (int)n).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();
        foreach (var (name, p) in net.NamedState().Where(s => s.Name.Contains("moving", StringComparison.Ordinal) || s.Name.Contains("gamma", StringComparison.Ordinal) || s.Name.Contains("beta", StringComparison.Ordinal)))
            session.Assign(p, name.EndsWith("variance", StringComparison.Ordinal) ? Draw(p.ElementCount, 0.2, 3) : Draw(p.ElementCount, -1, 1));
        int[] image = [2, 6, 5];
        var input = Draw(batch * 2 * 6 * 5, -2, 2);
        net.SetTrain(false);
        var expected = net.Call(session.ToDevice(new HostTensor([batch, .. image], input))).ToFloatArray();
        session.EndStep();
        net.SetTrain(true);

        string path = System.IO.Path.Combine(dir.Path, $"wide-{batch}-{opset}.onnx");
        OnnxExporter.Export(net, path, new OnnxExportOptions { ImageShape = image, Opset = opset });
        using var ort = new InferenceSession(path);
        using var results = ort.Run([NamedOnnxValue.CreateFromTensor(ort.InputMetadata.Keys.Single(), new DenseTensor<float>(input, [batch, .. image]))]);
        var actual = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"output {i}: {actual[i]} in ONNX Runtime, {expected[i]} here");
    }

    [Fact]
    public void An_op_with_no_onnx_equivalent_is_one_line_naming_it()
    {
        var graph = new Graph.Ir.Graph();
        var x = graph.AddInput("input", TensorType.Float(OnnxGraphWriter.TraceBatch, 4));
        var y = graph.Add(Op.Of(OpKind.ReluGrad), x, x);
        graph.Outputs.Add(("logits", y));
        var e = Assert.Throws<OnnxExportException>(() =>
            OnnxExporter.ToModel(graph, graph.Nodes, (_, _) => [], new OnnxExportOptions(), "m", null));
        Assert.Equal($"cannot export %{y.Id} ReluGrad: ReluGrad has no ONNX equivalent (the exporter writes {OnnxOpTable.Supported})", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private sealed class Lambda(Func<Tensor, Tensor> construct) : Cell
    {
        public override Tensor Construct(Tensor x) => construct(x);
    }

    [Fact]
    public void A_model_that_folds_the_batch_axis_is_refused_naming_the_op()
    {
        var folds = new Lambda(x => Ops.Reshape(x, -1));
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(folds));
        Assert.Matches(@"^cannot export %\d+ Reshape\[\[-1\]\]: %\d+ is \[3920\] float32, without the batch axis first; the exported model needs it to take any batch size$", e.Message);

        var sumsOverBatch = new Lambda(x =>
        {
            var flat = Ops.Reshape(x, OnnxGraphWriter.TraceBatch, -1);
            return Ops.MatMul(flat, flat, transposeA: true);
        });
        e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(sumsOverBatch));
        Assert.Matches(@"^cannot export %\d+ MatMul\[tn\]: ", e.Message);
    }

    [Fact]
    public void Non_finite_weights_are_refused_naming_the_tensor()
    {
        var model = new MnistNetwork();
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(model, null, p =>
        {
            var values = new float[p.Type.ElementCount];
            if (p.Name == "dense_relu_sequential.2.bias") values[5] = float.NaN;
            return values;
        }));
        Assert.Equal("parameter 'dense_relu_sequential.2.bias' holds NaN at element 5; a model with non-finite weights is not exported", e.Message);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(22)]
    public void An_opset_outside_the_written_range_is_refused(int opset)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ToBytes(new MnistNetwork(), new OnnxExportOptions { Opset = opset }));
        Assert.Contains("the ONNX opset must be 13 to 21", e.Message);
    }

    [Fact]
    public void Unwritable_targets_are_one_line_naming_the_path_and_leave_nothing()
    {
        var model = new MnistNetwork();
        string missing = System.IO.Path.Combine(dir.Path, "no-such-dir", "m.onnx");
        var e = Assert.Throws<IOException>(() => OnnxExporter.Export(model, missing));
        Assert.Contains("does not exist", e.Message);
        e = Assert.Throws<IOException>(() => OnnxExporter.Export(model, dir.Path));
        Assert.Contains("is a directory", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void The_bytes_do_not_depend_on_the_weights_source_or_a_second_export()
    {
        GlobalSeed.Set(4);
        var model = new LeNet5();
        var a = OnnxExporter.ToBytes(model, new OnnxExportOptions { ProducerVersion = "x" });
        var b = OnnxExporter.ToBytes(model, new OnnxExportOptions { ProducerVersion = "x" },
            p => p.InitialValue);
        Assert.Equal(a, b);
        Assert.True(model.Training, "exporting traces in eval mode and gives the cell its mode back");
    }
}
