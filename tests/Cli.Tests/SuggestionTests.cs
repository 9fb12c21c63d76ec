namespace Trainer.Cli.Tests;

public class SuggestionTests
{
    private static readonly string[] CommandNames = ["train", "compare", "graph", "devices", "selftest", "help", "version"];
    private static readonly string[] Flags = ["--epochs", "--batch-size", "--lr", "--seed", "--steps", "--model", "--mode"];

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("trian", "train", 1)]
    [InlineData("ab", "ba", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("same", "same", 0)]
    [InlineData("ca", "abc", 3)]
    public void Distance_counts_edits_and_adjacent_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestion.Distance(a, b));
        Assert.Equal(expected, Suggestion.Distance(b, a));
    }

    [Theory]
    [InlineData("trian", "train")]
    [InlineData("tran", "train")]
    [InlineData("Train", "train")]
    [InlineData("grahp", "graph")]
    [InlineData("versoin", "version")]
    [InlineData("frobnicate", null)]
    [InlineData("x", null)]
    [InlineData("", null)]
    public void Suggests_a_command(string typed, string? expected) => Assert.Equal(expected, Suggestion.For(typed, CommandNames));

    [Theory]
    [InlineData("--epoch", "--epochs")]
    [InlineData("--epohcs", "--epochs")]
    [InlineData("--batch", "--batch-size")]
    [InlineData("--lt", "--lr")]
    [InlineData("--mod", "--mode")]
    [InlineData("--bogus", null)]
    [InlineData("--xy", null)]
    [InlineData("--s", null)]
    public void Suggests_a_flag(string typed, string? expected) => Assert.Equal(expected, Suggestion.For(typed, Flags));

    [Fact]
    public void Hint_is_empty_without_a_suggestion()
    {
        Assert.Equal(" (did you mean '--epochs'?)", Suggestion.Hint("--epoch", Flags));
        Assert.Equal("", Suggestion.Hint("--bogus", Flags));
        Assert.Equal("", Suggestion.Hint("--epoch", []));
    }
}
