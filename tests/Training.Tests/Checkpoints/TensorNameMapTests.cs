using Trainer.Training.Checkpoints;

using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Prefix renaming of another framework's tensor names, and every way a rule or a map file can be wrong.</summary>
public sealed class TensorNameMapTests
{
    [Fact]
    public void The_first_rule_whose_prefix_matches_rewrites_the_name_once()
    {
        var map = TensorNameMap.Parse(["fc1.=dense_relu_sequential.0.", "fc=layer", "model.="]);
        Assert.Equal("dense_relu_sequential.0.weight", map.Apply("fc1.weight"));
        Assert.Equal("layer2.bias", map.Apply("fc2.bias")); // 'fc1.' does not match, 'fc' does
        Assert.Equal("fc1.weight", map.Apply("model.fc1.weight")); // one rewrite only: the result is not renamed again
        Assert.Equal("other", map.Apply("other"));
        Assert.Equal("a=b", TensorNameMap.Parse(["x=a=b"]).Apply("x")); // split at the first '='
        Assert.True(TensorNameMap.Identity.IsIdentity);
    }

    [Theory]
    [InlineData("fc1.", "has no '='")]
    [InlineData("=dense.", "has an empty FROM")]
    [InlineData("fc1.\t=x", "holds a control character")]
    public void A_malformed_rule_is_one_line_naming_it(string rule, string problem)
    {
        var e = Assert.Throws<FormatException>(() => TensorNameMap.Parse([rule]));
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Repeated_and_unreachable_rules_are_refused()
    {
        Assert.Contains("is given twice", Assert.Throws<FormatException>(() => TensorNameMap.Parse(["a.=x.", "a.=y."])).Message);
        var e = Assert.Throws<FormatException>(() => TensorNameMap.Parse(["fc=x", "fc1.=y."]));
        Assert.Contains("can never apply", e.Message);
        TensorNameMap.Parse(["fc1.=y.", "fc=x"]); // the longer first is fine
        Assert.Contains("longer than", Assert.Throws<FormatException>(() => TensorNameMap.Parse([new string('a', 1025) + "=b"])).Message);
    }

    [Fact]
    public void A_map_file_has_one_rule_a_line_with_comments_and_blank_lines()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "map.txt");
        File.WriteAllText(path, "# PyTorch -> trainer\n\n  fc1.=dense_relu_sequential.0.  \r\nfc2.=dense_relu_sequential.2.\n");
        var map = TensorNameMap.ReadFile(path);
        Assert.Equal(2, map.Rules.Count);
        Assert.Equal("dense_relu_sequential.2.bias", map.Apply("fc2.bias"));

        File.WriteAllText(path, "fc1.=a.\n# ok\nfc2.\n");
        var e = Assert.Throws<CheckpointException>(() => TensorNameMap.ReadFile(path));
        Assert.Equal($"{path}: line 3: 'fc2.' has no '=': expected FROM=TO, e.g. 'fc1.=dense_relu_sequential.0.'", e.Message);
        File.WriteAllBytes(path, [0x61, 0x3d, 0xff, 0x0a]);
        Assert.Contains("not valid UTF-8", Assert.Throws<CheckpointException>(() => TensorNameMap.ReadFile(path)).Message);
        Assert.Contains("is a directory", Assert.Throws<CheckpointException>(() => TensorNameMap.ReadFile(dir.Path)).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<CheckpointException>(() => TensorNameMap.ReadFile(Path.Combine(dir.Path, "missing.txt")));
    }
}
