using System.Text.Json;
using System.Text.Json.Nodes;
using Trainer.Graph.Ir;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Tests.Checkpoints;

namespace Trainer.Training.Tests.Primitives;

/// <summary>
/// The general pooling and convolution against PyTorch itself (scripts/torch_window_ops.py, float64): outputs, shapes and
/// input and weight gradients of avg_pool2d (both divisors, ceil mode), adaptive_avg_pool2d, max_pool2d with padding and
/// ceil mode, and conv2d with groups and dilation, at awkward sizes, all in one Python process.
/// </summary>
public sealed class TorchWindowOpsTests(PrimitiveSessions sessions) : IClassFixture<PrimitiveSessions>
{
    private sealed record Case(string Name, int[] X, int[]? W, Func<Tensor, Tensor?, Tensor> Trainer, JsonObject Torch);

    private static IEnumerable<Case> Cases()
    {
        foreach (var (xs, k, s, p, ceil, include) in new (int[], int, int, int, bool, bool)[]
                 { ([2, 3, 7, 65], 3, 2, 1, true, false), ([1, 2, 63, 7], 4, 3, 2, true, true), ([1, 1, 257, 5], 2, 2, 1, true, true), ([2, 1, 9, 9], 3, 3, 0, false, true) })
        {
            yield return new($"avg {string.Join("x", xs)} k{k} s{s} p{p} ceil {ceil} include {include}", xs, null,
                (x, _) => Ops.AvgPool2d(x, k, k, s, s, p, p, ceil, include),
                new JsonObject { ["op"] = "avg_pool2d", ["kernel"] = k, ["stride"] = s, ["padding"] = p, ["ceil_mode"] = ceil, ["count_include_pad"] = include });
            yield return new($"max {string.Join("x", xs)} k{k} s{s} p{p} ceil {ceil}", xs, null,
                (x, _) => Ops.MaxPool2d(x, k, k, s, s, p, p, ceil),
                new JsonObject { ["op"] = "max_pool2d", ["kernel"] = k, ["stride"] = s, ["padding"] = p, ["ceil_mode"] = ceil });
        }
        foreach (var (xs, oh, ow) in new (int[], int, int)[] { ([2, 3, 7, 65], 3, 5), ([1, 2, 63, 1], 5, 1), ([2, 4, 5, 7], 1, 1), ([1, 1, 3, 4], 7, 9) })
            yield return new($"adaptive {string.Join("x", xs)} to {oh}x{ow}", xs, null, (x, _) => Ops.AdaptiveAvgPool2d(x, oh, ow),
                new JsonObject { ["op"] = "adaptive_avg_pool2d", ["output_size"] = new JsonArray(oh, ow) });
        foreach (var (xs, ws, s, p, dh, dw, g) in new (int[], int[], int, int, int, int, int)[]
                 { ([2, 6, 9, 7], [9, 2, 3, 3], 2, 2, 2, 2, 3), ([1, 4, 7, 65], [8, 1, 3, 3], 1, 1, 1, 1, 4), ([1, 2, 63, 5], [3, 2, 2, 3], 1, 0, 3, 1, 1) })
            yield return new($"conv {string.Join("x", xs)} w {string.Join("x", ws)} s{s} p{p} d{dh}x{dw} g{g}", xs, ws,
                (x, w) => Ops.Conv2d(x, w!, s, s, p, p, dh, dw, g),
                new JsonObject { ["op"] = "conv2d", ["stride"] = s, ["padding"] = p, ["dilation"] = new JsonArray(dh, dw), ["groups"] = g });
    }

    private static JsonObject Tensor(int[] shape, float[] data) =>
        new() { ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["data"] = new JsonArray(data.Select(v => (JsonNode)(double)v).ToArray()) };

    [PythonTorchFact]
    public void Outputs_and_gradients_match_pytorch()
    {
        var session = sessions.Get(DeviceKind.Cpu);
        var request = new JsonArray();
        var ours = new List<(Case Case, int[] Shape, float[] Y, float[] Dx, float[]? Dw)>();
        int seed = 0;
        foreach (var c in Cases())
        {
            var x = PrimitiveCheck.Uniform(++seed, PrimitiveCheck.Count(c.X), -2f, 2f);
            var w = c.W is null ? null : PrimitiveCheck.Uniform(++seed, PrimitiveCheck.Count(c.W), -1f, 1f);
            var px = new Parameter($"torch{seed}.x", TensorType.Float(c.X), x);
            var pw = c.W is null ? null : new Parameter($"torch{seed}.w", TensorType.Float(c.W), w!);
            Parameter[] parameters = pw is null ? [px] : [px, pw];
            session.Place(parameters);
            var y = c.Trainer(px, pw);
            int[] shape = y.Shape.ToArray();
            var dy = PrimitiveCheck.Uniform(++seed, PrimitiveCheck.Count(shape), -1f, 1f);
            var dyDevice = session.ToDevice(new HostTensor(shape, dy));
            var grad = Autograd.ValueAndGrad(t => Ops.ReduceSum(Ops.Mul(c.Trainer(px, pw), t)), null, parameters);
            var (_, grads) = grad(dyDevice);
            ours.Add((c, shape, y.ToFloatArray(), grads[0].ToFloatArray(), pw is null ? null : grads[1].ToFloatArray()));
            session.EndStep();
            var json = (JsonObject)c.Torch.DeepClone();
            json["x"] = Tensor(c.X, x);
            if (c.W is not null) json["w"] = Tensor(c.W, w!);
            json["dy"] = Tensor(shape, dy);
            request.Add(json);
        }
        var script = Path.Combine(SafeTensorsScript.RepositoryRoot(), "scripts", "torch_window_ops.py");
        var (code, output, error) = PythonScript.Run(script, request.ToJsonString(), []);
        Assert.True(code == 0, $"torch_window_ops.py exited {code}: {error}");
        var results = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(ours.Count, results.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            var (c, shape, y, dx, dw) = ours[i];
            var torch = results[i]!;
            Assert.Equal(torch["shape"]!.AsArray().Select(d => (int)d!).ToArray(), shape);
            Close(c.Name + " y", torch["y"]!, y);
            Close(c.Name + " dx", torch["dx"]!, dx);
            if (dw is not null) Close(c.Name + " dw", torch["dw"]!, dw);
        }
    }

    private static void Close(string what, JsonNode expected, float[] actual)
    {
        var e = expected.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(e[i])), $"{what}[{i}]: PyTorch {e[i]:G9}, trainer {actual[i]:G9}");
    }
}
