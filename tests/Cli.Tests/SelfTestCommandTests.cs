using System.Text.RegularExpressions;
using Trainer.Cli.Commands;
using Trainer.Kernels.SelfTest;
using Trainer.Training.Hosting;
using Trainer.Cli.Diagnostics;

namespace Trainer.Cli.Tests;

public class SelfTestCommandTests
{
    private static (int Code, string[] Lines, string Stderr) RunSelfTest(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, output, error);
        return (code, CliResult.Lines(output.ToString()), error.ToString());
    }

    [Theory]
    [InlineData("cpu", "device: cpu (", "gemm kernel: packed ")]
    [InlineData("ilgpu-cpu", "device: ilgpu-cpu (ILGPU CPU accelerator", "gemm kernel: register-blocked 4x4 (ILGPU)")]
    public void Selftest_passes_every_check_and_exits_0(string device, string deviceLine, string gemmLine)
    {
        var (code, lines, stderr) = RunSelfTest("selftest", "--device", device);
        Assert.True(code == 0, string.Join("\n", lines) + stderr);
        Assert.Equal("", stderr);

        Assert.StartsWith(deviceLine, lines[0]);
        Assert.StartsWith(gemmLine, lines[1]);
        int checks = KernelSelfTest.Checks().Count;
        Assert.Equal($"selftest: {checks + 2} checks, 0 failed", lines[^1]);
        Assert.Equal("ok   eager vs graph --no-fuse, 20 steps (bit-identical)   max relative loss difference 0.0e+00  tolerance 0.0e+00", lines[^4]);
        Assert.Matches(@"^ok   eager vs graph fused, 20 steps   max relative loss difference \d\.\de[+-]\d\d  tolerance 1\.0e-04$", lines[^3]);
        Assert.Equal($"skip cuda graph replay vs direct launches (the {device} device has no CUDA graphs)", lines[^2]);

        var checkLines = lines[2..^4];
        Assert.Equal(checks, checkLines.Length);
        var format = new Regex(@"^ok   \S(.*\S)? {3,}max err \d\.\de[+-]\d\d  bound \d\.\de[+-]\d\d +\d+\.\d ms$");
        Assert.All(checkLines, l => Assert.Matches(format, l));
        // Aligned: every line puts "max err" in the same column.
        Assert.Single(checkLines.Select(l => l.IndexOf("max err", StringComparison.Ordinal)).Distinct());
        Assert.Contains(checkLines, l => l.StartsWith("ok   gemm nt 64x512x784 bias+relu ", StringComparison.Ordinal));
        Assert.Contains(checkLines, l => l.StartsWith("ok   softmax-ce fused 257x10 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_check_line_says_fail_and_why()
    {
        var line = SelfTestRun.Line(new SelfTestResult("gemm nn 1x7x63 none", 3e-4, 5e-5, false, 0.26, "element 3 is 1, reference 2"), 24);
        Assert.Equal("FAIL gemm nn 1x7x63 none        max err 3.0e-04  bound 5.0e-05       0.3 ms   (element 3 is 1, reference 2)", line);
    }

    [Fact]
    public void Selftest_help_and_bad_options()
    {
        var (code, lines, _) = RunSelfTest("selftest", "--help");
        Assert.Equal(0, code);
        Assert.Equal(SelfTestCommand.Usage, string.Join("\n", lines));

        var bad = Cli.Run("selftest", "--device", "tpu");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --device must be one of auto|cuda|opencl|cpu|ilgpu-cpu, got 'tpu' (see 'trainer selftest --help')", bad.SingleErrorLine());

        var extra = Cli.Run("selftest", "--steps", "3");
        Assert.Equal(2, extra.ExitCode);
        Assert.Equal("error: unknown option '--steps' (see 'trainer selftest --help')", extra.SingleErrorLine());
    }

    [Fact]
    public void Selftest_on_an_absent_gpu_exits_2_naming_what_was_found()
    {
        if (Trainer.Kernels.Device.DeviceCatalog.List().Any(d => d.Kind == Trainer.Kernels.Device.DeviceKind.Cuda))
            return; // present on this machine: nothing to check (the test machine has none)
        var result = Cli.Run("selftest", "--device", "cuda");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: device 'cuda' is not available (found: ", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Usage_lists_selftest()
    {
        Assert.Contains("  selftest ", Program.Usage);
    }
}
