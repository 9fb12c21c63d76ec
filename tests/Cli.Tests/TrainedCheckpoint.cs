using Trainer.Training.Checkpoints;

namespace Trainer.Cli.Tests;

/// <summary>
/// One checkpoint trained once for a test class (one epoch of the MLP with momentum on the built-in digits, so it
/// holds optimizer state), and copies of it with its metadata or a tensor changed.
/// </summary>
public sealed class TrainedCheckpoint : IDisposable
{
    private readonly TempDirectory dir = new();

    public TrainedCheckpoint()
    {
        var result = Cli.Run("train", "--device", "cpu", "--epochs", "1", "--optimizer", "momentum", "--progress", "none", "--save", dir.File("run"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Path = dir.File("run/last.safetensors");
    }

    /// <summary>The checkpoint: epoch 1 done, 125 steps, batch 64.</summary>
    public string Path { get; }

    /// <summary>A copy at <paramref name="target"/> with metadata <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public string WithMetadata(string target, string key, string value) => Rewrite(target, m => m[key] = value, (_, _) => { });

    /// <summary>A copy at <paramref name="target"/> with element <paramref name="index"/> of tensor <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public string WithValue(string target, string name, int index, float value) =>
        Rewrite(target, _ => { }, (tensorName, data) => { if (tensorName == name) data[index] = value; });

    /// <summary>A copy at <paramref name="target"/> with an extra tensor named <paramref name="name"/>.</summary>
    public string WithExtraTensor(string target, string name) => Rewrite(target, _ => { }, (_, _) => { }, new NamedTensor(name, [1], [0f]));

    private string Rewrite(string target, Action<Dictionary<string, string>> metadata, Action<string, float[]> values, NamedTensor? extra = null)
    {
        var file = SafeTensors.Read(Path);
        var tensors = new List<NamedTensor>();
        foreach (var entry in file.Entries)
        {
            int[] shape = entry.Shape.Select(d => (int)d).ToArray();
            float[] data = file.ReadFloat32(entry.Name, shape);
            values(entry.Name, data);
            tensors.Add(new NamedTensor(entry.Name, shape, data));
        }
        if (extra is not null) tensors.Add(extra);
        var meta = new Dictionary<string, string>(file.Metadata);
        metadata(meta);
        SafeTensors.Write(target, tensors, meta);
        return target;
    }

    public void Dispose() => dir.Dispose();
}
