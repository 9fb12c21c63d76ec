using System.Globalization;
using System.Text;

namespace Trainer.Training.Tests.Checkpoints.MindSpore;

/// <summary>Runs scripts/mindspore_ckpt_check.py, the independent Python protobuf reader and writer of .ckpt files.</summary>
public static class MindSporeCkptScript
{
    private static readonly string Script = Path.Combine(SafeTensorsScript.RepositoryRoot(), "scripts", "mindspore_ckpt_check.py");

    /// <summary>The JSON the script's <c>write</c> reads: each value's shape, data (exact doubles) and MindSpore type.</summary>
    public static string Json(IEnumerable<(string Name, long[] Shape, double[] Data, string Type)> values, IEnumerable<(string Name, string Text)>? strings = null)
    {
        var json = new StringBuilder("{");
        foreach (var (name, shape, data, type) in values)
        {
            if (json.Length > 1) json.Append(',');
            json.Append($"\"{name}\":{{\"shape\":[{string.Join(",", shape)}],\"type\":\"{type}\",\"data\":[");
            json.Append(string.Join(",", data.Select(d => d.ToString("R", CultureInfo.InvariantCulture))));
            json.Append("]}");
        }
        foreach (var (name, text) in strings ?? [])
        {
            if (json.Length > 1) json.Append(',');
            json.Append($"\"{name}\":{{\"text\":\"{text}\"}}");
        }
        return json.Append('}').ToString();
    }

    public static string RunChecked(string? stdin, params string[] args)
    {
        var (code, output, error) = PythonScript.Run(Script, stdin, args);
        Assert.True(code == 0, $"mindspore_ckpt_check.py {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}
