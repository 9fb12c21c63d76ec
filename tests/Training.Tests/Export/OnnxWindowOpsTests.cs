using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trainer.Training.Data;
using Trainer.Training.Export;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Export;

/// <summary>
/// AvgPool2d, AdaptiveAvgPool2d, MaxPool2d with padding and ceil mode, and Conv2d with groups and dilation, exported and
/// run by ONNX Runtime against the same cells run eagerly here; an adaptive pooling ONNX cannot express is one line.
/// </summary>
public sealed class OnnxWindowOpsTests : IClassFixture<CpuSession>, IDisposable
{
    private readonly Session session;
    private readonly TempDirectory dir = new();

    public OnnxWindowOpsTests(CpuSession cpu) => session = cpu.Session;

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Networks => new() { "grouped-dilated-conv", "padded-ceil-maxpool", "avgpool-exclude-pad-ceil", "avgpool-include-pad-ceil", "adaptive-even", "global" };

    private static Cell Network(string name) => name switch
    {
        "grouped-dilated-conv" => new SequentialCell(new Conv2d(3, 6, 3, 1, 2, dilation: 2, group: 3, hasBias: true), new Conv2d(6, 6, 3, 2, 1, 1, group: 6)),
        "padded-ceil-maxpool" => new SequentialCell(new MaxPool2d(3, 2, 1, ceilMode: true)),
        "avgpool-exclude-pad-ceil" => new SequentialCell(new AvgPool2d(3, 2, padding: 1, ceilMode: true, countIncludePad: false)),
        "avgpool-include-pad-ceil" => new SequentialCell(new AvgPool2d(4, 3, padding: 2, ceilMode: true)),
        "adaptive-even" => new SequentialCell(new Conv2d(3, 4, 1), new AdaptiveAvgPool2d(3, 1)),
        _ => new SequentialCell(new Conv2d(3, 4, 3, 1, 1, 1, 1), new AdaptiveAvgPool2d(1), new Flatten()),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Onnx_runtime_computes_what_the_cells_compute_here(string name)
    {
        GlobalSeed.Set(5);
        var net = Network(name);
        session.Place(net);
        int[] image = [3, 9, 13];
        const int batch = 7;
        var random = new Random(4);
        var input = new float[batch * 3 * 9 * 13];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
        var output = net.Call(session.ToDevice(new HostTensor([batch, .. image], input)));
        var expected = output.ToFloatArray();
        int[] shape = output.Shape.ToArray();
        session.EndStep();

        string path = System.IO.Path.Combine(dir.Path, name + ".onnx");
        OnnxExporter.Export(net, path, new OnnxExportOptions { ImageShape = image });
        using var ort = new InferenceSession(path);
        using var results = ort.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [batch, .. image]))]);
        var tensor = results.Single(r => r.Name == "logits").AsTensor<float>();
        Assert.Equal(shape, tensor.Dimensions.ToArray());
        var actual = tensor.ToArray();
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"{name} output {i}: {actual[i]} in ONNX Runtime, {expected[i]} here");
    }

    [Fact]
    public void An_adaptive_pooling_onnx_cannot_express_is_one_line()
    {
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(new AdaptiveAvgPool2d(2), new OnnxExportOptions { ImageShape = [3, 9, 13] }));
        Assert.Matches(@"^cannot export %\d+ AvgPool2d\[output=2x2\]: an adaptive average pooling of 9x13 to 2x2 has no ONNX form \(ONNX has no adaptive pooling; it is an AveragePool only when the output size divides the input's\)$", e.Message);
    }
}
