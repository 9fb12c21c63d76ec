using Trainer.Cli.Commands;

namespace Trainer.Cli.Tests;

/// <summary>`--cuda-graph on|off` on train and compare: parsing, and the one-line fallback on a device without CUDA graphs.</summary>
public class CudaGraphOptionTests
{
    [Fact]
    public void Train_reads_on_off_and_leaves_the_default_to_the_device()
    {
        Assert.Null(TrainCommand.Parse([]).CudaGraph);
        Assert.True(TrainCommand.Parse(["--cuda-graph", "on"]).CudaGraph);
        Assert.False(TrainCommand.Parse(["--cuda-graph", "off"]).CudaGraph);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("compare")]
    public void Anything_but_on_or_off_is_a_usage_error(string command)
    {
        var bad = Cli.Run(command, "--cuda-graph", "yes");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal($"error: --cuda-graph must be one of on|off, got 'yes' (see 'trainer {command} --help')", bad.SingleErrorLine());
    }

    [Fact]
    public void Compare_with_cuda_graph_on_a_cpu_device_warns_once_and_runs_on()
    {
        var on = Cli.Run("compare", "--device", "cpu", "--steps", "2", "--warmup", "1", "--cuda-graph", "on");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Equal(["warning: CUDA graph replay is off, launching kernels directly: this device has no CUDA graphs"], on.StderrLines);
        Assert.Single(on.StdoutLines, l => l == "max loss difference: 0 over 3 steps");
        var off = Cli.Run("compare", "--device", "cpu", "--steps", "2", "--warmup", "1", "--cuda-graph", "off");
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Equal("", off.Stderr);
    }
}
