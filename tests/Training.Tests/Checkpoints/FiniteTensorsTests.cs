using Trainer.Training.Checkpoints;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Every value of every tensor a checkpoint is loaded for must be finite; the error names the first bad tensor, index and count.</summary>
public sealed class FiniteTensorsTests
{
    private static SafeTensorsFile Write(TempDirectory dir, params NamedTensor[] tensors)
    {
        string path = Path.Combine(dir.Path, "c.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string>());
        return SafeTensors.Read(path);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 6)]
    [InlineData(65, 64)]
    [InlineData(257, 100)]
    public void The_first_non_finite_value_is_named_with_its_index_and_the_count(int length, int index)
    {
        using var dir = new TempDirectory();
        var good = Enumerable.Range(0, length).Select(i => (float)i).ToArray();
        var bad = good.ToArray();
        bad[index] = float.NaN;
        if (index < length - 1) bad[^1] = float.PositiveInfinity; // a second bad value after the first
        int count = bad.Count(v => !float.IsFinite(v));
        var file = Write(dir, new NamedTensor("a", [length], good), new NamedTensor("b", [length], bad));
        var e = Assert.Throws<CheckpointException>(() => FiniteTensors.Check(file, [("a", [length]), ("b", [length])]));
        Assert.Equal($"{file.Path}: tensor 'b' holds NaN at index {index} ({count} of {length} values are not finite); a checkpoint must hold finite numbers", e.Message);
    }

    [Fact]
    public void Only_the_tensors_asked_for_are_checked_and_extremes_that_are_finite_pass()
    {
        using var dir = new TempDirectory();
        var file = Write(dir,
            new NamedTensor("w", [4], [float.MaxValue, float.MinValue, float.Epsilon, -0f]),
            new NamedTensor("unused", [1], [float.NegativeInfinity]));
        FiniteTensors.Check(file, [("w", [4])]);
        var e = Assert.Throws<CheckpointException>(() => FiniteTensors.Check(file, [("w", [4]), ("unused", [1])]));
        Assert.Contains("tensor 'unused' holds -Infinity at index 0", e.Message);
    }
}
