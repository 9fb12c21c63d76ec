namespace Trainer.Cli.Tests;

/// <summary>
/// The README's first code block (its "As a library" program) is code a user copies: it is run here as
/// written, against the repository's Training project, so it cannot drift from the API.
/// </summary>
public class ReadmeLibraryExampleTests
{
    [Fact]
    public void The_readme_library_program_compiles_runs_and_prints_the_tree_the_log_and_an_accuracy()
    {
        string root = ExampleProgram.RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("## Two ways to use it", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Two ways to use it' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(start >= 0, "the section has no csharp block");
        start += "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string code = readme[start..end];

        string dir = Directory.CreateTempSubdirectory("readme-example-").FullName;
        try
        {
            string project = Path.Combine(root, "src", "Training", "Training.csproj");
            File.WriteAllText(Path.Combine(dir, "readme.cs"),
                $"#:project {project}\n#:property PublishAot=false\n" + code);
            var (exit, stdout, stderr) = ExampleProgram.RunPath(Path.Combine(dir, "readme.cs"));
            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.Contains("  (1): Dense<input_channels=784, output_channels=512, has_bias=True>", stdout);
            Assert.Contains("loss: ", stdout);
            Assert.Contains("[  0/125]", stdout);
            var accuracy = stdout.Split('\n').Single(l => l.StartsWith("accuracy ", StringComparison.Ordinal));
            double percent = double.Parse(accuracy["accuracy ".Length..].Replace("%", "").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(percent, 70, 100); // one epoch of the built-in digits: far above chance (10%)
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
