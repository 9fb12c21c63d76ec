using System.Text.RegularExpressions;

namespace Trainer.Cli.Tests;

/// <summary>`trainer graph`: the step graph at each stage, as text or DOT, to stdout or a file.</summary>
public class GraphCommandTests
{
    private static readonly Regex ScheduleHeader = new(@"^# schedule: (\d+) nodes, (\d+) kernel launches$");
    private static readonly Regex LaunchLine = new(@"^\s*(\d+)  %\d+ = ");

    private static CliResult Ok(params string[] args)
    {
        var result = Cli.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        return result;
    }

    private static int CountOf(string text, string word) => Regex.Matches(text, Regex.Escape(word)).Count;

    /// <summary>Checks the header against the numbered lines and returns the launch count.</summary>
    private static int Launches(string schedule)
    {
        var lines = CliResult.Lines(schedule);
        var header = ScheduleHeader.Match(lines[0]);
        Assert.True(header.Success, $"unexpected first line: {lines[0]}");
        int launches = int.Parse(header.Groups[2].Value);
        var numbers = lines.Select(l => LaunchLine.Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(launches, numbers.Count);
        Assert.Equal(Enumerable.Range(1, launches), numbers); // launches are numbered 1..N in order
        int nodes = lines.Count(l => Regex.IsMatch(l, @"^(\s*\d+|  -)  %\d+ = "));
        Assert.Equal(int.Parse(header.Groups[1].Value), nodes);
        Assert.StartsWith("# arena: planned peak ", lines[^1]);
        return launches;
    }

    [Fact]
    public void Traced_stage_has_six_sgd_updates_and_a_depend_ordered_after_them()
    {
        var text = Ok("graph", "--stage", "traced").Stdout;
        Assert.Equal(6, CountOf(text, "SgdUpdate"));
        var depend = Assert.Single(CliResult.Lines(text), l => l.Contains(" = Depend("));
        Assert.Contains("after(", depend);
        Assert.Equal(6, CountOf(depend[depend.IndexOf("after(")..], "%"));
        Assert.EndsWith("return loss=" + depend[..depend.IndexOf(' ')], CliResult.Lines(text)[^1]);
    }

    [Theory]
    [InlineData(2, 64, 32)]
    [InlineData(3, 7, 2)]
    [InlineData(7, 7, 1)]
    public void Ranks_show_one_all_reduce_of_every_gradient_and_rank_0s_share_of_the_batch(int ranks, int batch, int rows)
    {
        var text = Ok("graph", "--stage", "scheduled", "--ranks", ranks.ToString(), "--batch-size", batch.ToString()).Stdout;

        Assert.Contains($"Input[data]() : [{rows},1,28,28] float32", text);
        var allReduce = Assert.Single(CliResult.Lines(text), l => l.Contains("= AllReduce["));
        Assert.Contains($"AllReduce[world={ranks}](", allReduce);
        Assert.Equal(6, Regex.Match(allReduce, @"AllReduce\[world=\d+\]\(([^)]*)\)").Groups[1].Value.Split(", ").Length);
        // The update reads every gradient's mean, and no GEMM folds its gradient into the update past the all-reduce.
        Assert.Contains("SgdUpdateMulti", text);
        Assert.DoesNotContain(",sgd,", text);
        Launches(text);
    }

    [Fact]
    public void More_ranks_than_rows_is_refused()
    {
        var result = Cli.Run("graph", "--ranks", "65");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --ranks 65 is more than the batch of 64: every rank needs a row of it (see 'trainer graph --help')", result.SingleErrorLine());
    }

    [Fact]
    public void Default_stage_is_optimized_text()
    {
        var optimized = Ok("graph").Stdout;
        Assert.Equal(Ok("graph", "--stage", "optimized", "--format", "text").Stdout, optimized);
        Assert.StartsWith("%0 = Input[data]() : [64,1,28,28] float32", optimized);
        Assert.Contains("SgdUpdateMulti", optimized);
    }

    [Fact]
    public void Scheduled_stage_reports_at_most_14_launches_and_numbers_each()
    {
        var text = Ok("graph", "--stage", "scheduled").Stdout;
        int launches = Launches(text);
        Assert.InRange(launches, 1, 14);
        Assert.Contains(" fuses ", text);
    }

    [Fact]
    public void No_fuse_schedule_has_more_launches_and_fuses_nothing()
    {
        int fused = Launches(Ok("graph", "--stage", "scheduled").Stdout);
        var text = Ok("graph", "--stage", "scheduled", "--no-fuse").Stdout;
        int unfused = Launches(text);
        Assert.True(unfused > fused, $"--no-fuse: {unfused} launches, fused: {fused}");
        Assert.DoesNotContain(" fuses ", text);
        Assert.Equal(6, CountOf(text, "= SgdUpdate("));
    }

    [Fact]
    public void Eval_step_schedule_updates_nothing()
    {
        var text = Ok("graph", "--stage", "scheduled", "--step", "eval").Stdout;
        int launches = Launches(text);
        Assert.True(launches < Launches(Ok("graph", "--stage", "scheduled").Stdout));
        Assert.DoesNotContain("SgdUpdate", text);
    }

    [Fact]
    public void Batch_size_sets_the_input_shapes()
    {
        var text = Ok("graph", "--stage", "traced", "--batch-size", "32").Stdout;
        Assert.StartsWith("%0 = Input[data]() : [32,1,28,28] float32\n%1 = Input[label]() : [32] int32\n", text);
    }

    [Theory]
    [InlineData("traced")]
    [InlineData("optimized")]
    public void Dot_format_is_a_digraph_with_dashed_order_edges(string stage)
    {
        var text = Ok("graph", "--format", "dot", "--stage", stage).Stdout;
        Assert.StartsWith("digraph", text);
        Assert.Contains("style=dashed", text);
        Assert.EndsWith("}\n", text);
        Assert.Equal(CountOf(text, "{"), CountOf(text, "}"));
    }

    [Fact]
    public void Out_writes_the_file_atomically_and_says_so()
    {
        using var dir = new TempDirectory();
        string path = dir.File("schedule.txt");
        File.WriteAllText(path, "old contents"); // an existing file is replaced

        var result = Ok("graph", "--stage", "scheduled", "--out", path);
        Assert.Equal($"wrote scheduled train graph (text) to {path}\n", result.Stdout);
        Assert.Equal(Ok("graph", "--stage", "scheduled").Stdout, File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void Out_writes_dot_for_the_eval_step()
    {
        using var dir = new TempDirectory();
        string path = dir.File("eval.dot");
        var result = Ok("graph", "--format=dot", "--step", "eval", "--out", path);
        Assert.Equal($"wrote optimized eval graph (dot) to {path}\n", result.Stdout);
        Assert.StartsWith("digraph", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Out_into_a_missing_directory_exits_1_with_one_line()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "missing");
        string path = Path.Combine(missing, "g.txt");
        var result = Cli.Run("graph", "--out", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: --out '{path}': directory '{missing}' does not exist", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Out_naming_a_directory_exits_1_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        string target = Path.Combine(dir.Path, "sub");
        Directory.CreateDirectory(target);
        var result = Cli.Run("graph", "--out", target);
        Assert.True(result.ExitCode == 1, result.ToString());
        result.SingleErrorLine();
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void Empty_out_value_is_a_usage_error()
    {
        var result = Cli.Run("graph", "--out=");
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("internal error", result.SingleErrorLine());
    }

    [Fact]
    public void Momentum_updates_every_parameter_and_its_state_in_one_launch()
    {
        string traced = Ok("graph", "--stage", "traced", "--optimizer", "momentum", "--momentum", "0.5").Stdout;
        Assert.Equal(6, CountOf(traced, "= MomentumUpdate("));
        // The hyperparameters are one input of the step that every update reads, not constants of the graph.
        Assert.Equal(1, CountOf(traced, "= Input[momentum.hyperparameters(lr,momentum,weight_decay)]() : [3] float32"));
        Assert.Equal(0, CountOf(traced, "momentum=0.5"));
        Assert.Equal(6, CountOf(traced, "Parameter[moments.dense_relu_sequential."));

        string schedule = Ok("graph", "--stage", "scheduled", "--optimizer", "momentum").Stdout;
        Assert.Equal(13, Launches(schedule));
        Assert.Equal(1, CountOf(schedule, "= MomentumUpdateMulti("));
        Assert.Equal(0, CountOf(schedule, "SgdUpdate"));
        Assert.Contains("writes dense_relu_sequential.0.weight,", schedule);
        Assert.Contains("moments.dense_relu_sequential.4.bias", schedule);
    }

    [Fact]
    public void Adam_updates_in_one_launch_then_advances_its_beta_powers()
    {
        string schedule = Ok("graph", "--stage", "scheduled", "--optimizer", "adam").Stdout;
        Assert.Equal(14, Launches(schedule));
        Assert.Equal(1, CountOf(schedule, "= AdamUpdateMulti("));
        Assert.Equal(1, CountOf(schedule, "= AdamBetaPowers("));
        Assert.Equal(1, CountOf(schedule, "= Input[adam.hyperparameters(lr,beta1,beta2,eps,weight_decay)]() : [5] float32"));
        var lines = CliResult.Lines(schedule);
        int update = Array.FindIndex(lines, l => l.Contains("AdamUpdateMulti", StringComparison.Ordinal));
        int powers = Array.FindIndex(lines, l => l.Contains("AdamBetaPowers", StringComparison.Ordinal));
        Assert.True(update < powers, "the powers advance after the update has read them");
        Assert.Contains("moment2.dense_relu_sequential.4.bias", schedule);
    }

    [Fact]
    public void LeNet_step_has_convolutions_pooling_and_their_gradients()
    {
        string schedule = Ok("graph", "--stage", "scheduled", "--model", "lenet", "--optimizer", "momentum").Stdout;
        // Both convolutions absorb their bias add and ReLU, and both poolings' gradients their ReLU's: 31 launches unfused, 25 fused.
        Assert.Equal(25, Launches(schedule));
        Assert.Equal(1, CountOf(schedule, "= Conv2d[stride=1x1,pad=2x2,bias+relu](%0, "));
        Assert.Equal(1, CountOf(schedule, "= Conv2d[stride=1x1,pad=0x0,bias+relu]("));
        Assert.Equal(0, CountOf(schedule, "= BiasAdd[axis=1]("));
        Assert.Equal(2, CountOf(schedule, "= MaxPool2d[kernel=2x2,stride=2x2]("));
        Assert.Equal(2, CountOf(schedule, "= MaxPool2dBackward[kernel=2x2,stride=2x2,relu-mask]("));
        Assert.Equal(0, CountOf(schedule, "= ReluGrad("));
        Assert.Equal(2, CountOf(schedule, "= Conv2dBackwardFilter["));
        // The input image needs no gradient: only conv2's input does.
        Assert.Equal(1, CountOf(schedule, "= Conv2dBackwardData[stride=1x1,pad=0x0,extent=14x14]("));
        Assert.Equal(2, CountOf(schedule, "= ColumnSum[axis=1]("));
        Assert.Equal(1, CountOf(schedule, "= MomentumUpdateMulti("));
        // Every convolution, forward and backward, takes its im2col panel from the arena.
        Assert.Equal(5, CountOf(schedule, "im2col workspace @ arena["));
        Assert.Contains("# kernel workspaces: 5 in the arena, ", schedule);
        Assert.Contains(" bytes; with no device given, the most any backend uses\n", schedule.ReplaceLineEndings("\n"));
    }
}
