using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Trainer.Training.Checkpoints;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Our files read by an independent Python reader (numpy, json, struct only), and its files read by ours.</summary>
public sealed class SafeTensorsPythonTests
{
        /// <summary>An MLP-shaped checkpoint with a few awkward extras: a scalar, an empty tensor, extreme and subnormal values.</summary>
    private static NamedTensor[] Mlp()
    {
        var random = new Random(99);
        NamedTensor Make(string name, params int[] shape)
        {
            var data = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * MathF.Pow(10, random.Next(-3, 4));
            return new NamedTensor(name, shape, data);
        }
        var fc1 = Make("fc1.weight", 120, 400);
        fc1.Data[0] = float.Epsilon;
        fc1.Data[1] = -float.MaxValue;
        fc1.Data[2] = float.MaxValue;
        return [fc1, Make("fc1.bias", 120), Make("fc2.weight", 84, 120), Make("fc2.bias", 84), Make("fc3.weight", 10, 84), Make("fc3.bias", 10),
                Make("step", []), Make("empty", 0, 3)];
    }

    [PythonNumpyFact]
    public void Python_reads_what_we_write_with_the_same_sums()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "ours.safetensors");
        var tensors = Mlp();
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["epoch"] = "3", ["model"] = "mlp" });

        string[] lines = SafeTensorsScript.RunChecked(null, "read", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(tensors.Length + 1, lines.Length);
        for (int i = 0; i < tensors.Length; i++)
        {
            using var row = JsonDocument.Parse(lines[i]);
            var t = tensors[i];
            Assert.Equal(t.Name, row.RootElement.GetProperty("name").GetString());
            Assert.Equal("F32", row.RootElement.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, row.RootElement.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            double pythonSum = row.RootElement.GetProperty("sum").GetDouble();
            double ourSum = t.Data.Sum(v => (double)v);
            double scale = t.Data.Sum(v => Math.Abs((double)v));
            Assert.True(Math.Abs(pythonSum - ourSum) <= 1e-12 * scale, $"{t.Name}: python sum {pythonSum}, ours {ourSum}");
        }
        using var meta = JsonDocument.Parse(lines[^1]);
        Assert.Equal("3", meta.RootElement.GetProperty("metadata").GetProperty("epoch").GetString());
        Assert.Equal("mlp", meta.RootElement.GetProperty("metadata").GetProperty("model").GetString());
    }

    [PythonNumpyFact]
    public void We_read_what_python_writes_exactly()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "theirs.safetensors");
        var tensors = Mlp();
        SafeTensorsScript.RunChecked(SafeTensorsScript.Json(tensors), "write", path, "--meta", "epoch=3", "--meta", "note=a=b");

        var file = SafeTensors.Read(path);
        file.ExpectTensors(tensors.Select(t => (t.Name, t.Shape)));
        Assert.Equal("3", file.RequireMetadata("epoch"));
        Assert.Equal("a=b", file.RequireMetadata("note"));
        foreach (var t in tensors)
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), file.ReadFloat32(t.Name, t.Shape).Select(BitConverter.SingleToInt32Bits));
    }

    [PythonNumpyFact]
    public void Python_refuses_a_file_we_refuse()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad.safetensors", RawSafeTensors.Build(RawSafeTensors.ValidHeader, 24));
        Assert.Throws<CheckpointException>(() => SafeTensors.Read(path));
        var (code, _, error) = SafeTensorsScript.Run(null, "read", path);
        Assert.Equal(1, code);
        Assert.Contains("invalid", error);
    }
}
