using System.Text;
using System.Text.Json;
using Trainer.Training.Checkpoints;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Runs scripts/safetensors_check.py, the independent numpy reader and writer, with /usr/bin/python3.</summary>
public static class SafeTensorsScript
{
    private static readonly string Script = Path.Combine(RepositoryRoot(), "scripts", "safetensors_check.py");

    /// <summary>{"name": {"shape": [...], "data": [...]}} with each float written as its exact double value.</summary>
    public static string Json(IEnumerable<NamedTensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data");
                foreach (float v in t.Data) json.WriteNumberValue((double)v);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string RunChecked(string? stdin, params string[] args)
    {
        var (code, output, error) = Run(stdin, args);
        Assert.True(code == 0, $"safetensors_check.py {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    public static (int Code, string Output, string Error) Run(string? stdin, params string[] args) => PythonScript.Run(Script, stdin, args);

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "gpu.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no gpu.sln above {AppContext.BaseDirectory}");
    }
}
