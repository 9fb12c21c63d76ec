using Trainer.Graph.Compilation;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Tests.Compilation;

/// <summary>The capture plan with a fake recorder that logs its calls: what is recorded, when it replays, and the fallback.</summary>
public class CapturedStepTests
{
    private sealed class FakeCapture(List<string> log, bool failEnd = false) : IStepCapture
    {
        public bool Open { get; private set; }

        public void Begin()
        {
            log.Add("begin");
            Open = true;
        }

        public void End()
        {
            log.Add("end");
            Open = false;
            if (failEnd) throw new StepCaptureException("cuStreamEndCapture failed: CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (901)");
        }

        public void Replay() => log.Add("replay");

        public void Dispose()
        {
            log.Add("dispose");
            Open = false;
        }
    }

    private static BoundKernel[] Launches(List<string> log) =>
        [.. new[] { "gemm", "softmax-ce", "sgd-update-multi" }.Select(n => new BoundKernel(n, () => log.Add(n)))];

    [Fact]
    public void First_run_records_every_launch_then_replays_later_runs_only_replay()
    {
        var log = new List<string>();
        int made = 0;
        using var step = new CapturedStep(Launches(log), () => { made++; return new FakeCapture(log); }, new StepCapturePolicy(true, _ => Assert.Fail("no warning expected")));

        step.Run();
        Assert.Equal(["begin", "gemm", "softmax-ce", "sgd-update-multi", "end", "replay"], log);
        Assert.True(step.IsCaptured);
        log.Clear();
        step.Run();
        step.Run();
        Assert.Equal(["replay", "replay"], log);
        Assert.Equal(1, made);
        Assert.Equal(1, step.Captures);
    }

    [Fact]
    public void Invalidating_the_bindings_drops_the_recording_and_the_next_run_records_again()
    {
        var log = new List<string>();
        using var step = new CapturedStep(Launches(log), () => new FakeCapture(log), new StepCapturePolicy(true, _ => { }));
        step.Run();
        log.Clear();

        step.Invalidate();
        Assert.False(step.IsCaptured);
        step.Run();
        Assert.Equal(["dispose", "begin", "gemm", "softmax-ce", "sgd-update-multi", "end", "replay"], log);
        Assert.Equal(2, step.Captures);
    }

    [Fact]
    public void A_failed_end_falls_back_to_direct_launches_with_one_warning_for_every_graph()
    {
        var log = new List<string>();
        var warnings = new List<string>();
        var policy = new StepCapturePolicy(true, warnings.Add);
        using var step = new CapturedStep(Launches(log), () => new FakeCapture(log, failEnd: true), policy);

        step.Run();
        // The recording ran nothing, so the step runs once, directly, after it.
        Assert.Equal(["begin", "gemm", "softmax-ce", "sgd-update-multi", "end", "dispose", "gemm", "softmax-ce", "sgd-update-multi"], log);
        log.Clear();
        step.Run();
        Assert.Equal(["gemm", "softmax-ce", "sgd-update-multi"], log);

        // A second graph on the same policy does not try again, and nothing more is written.
        log.Clear();
        using var other = new CapturedStep(Launches(log), () => throw new InvalidOperationException("must not be asked"), policy);
        other.Run();
        Assert.Equal(["gemm", "softmax-ce", "sgd-update-multi"], log);
        Assert.False(policy.Enabled);
        Assert.Equal(["warning: CUDA graph replay is off, launching kernels directly: cuStreamEndCapture failed: CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (901)"], warnings);
    }

    [Fact]
    public void A_launch_that_throws_while_recording_is_retried_directly()
    {
        var log = new List<string>();
        var warnings = new List<string>();
        var capture = new FakeCapture(log);
        var launches = new[]
        {
            new BoundKernel("gemm", () => log.Add("gemm")),
            new BoundKernel("sync", () => { if (capture.Open) throw new StepCaptureException("operation not permitted when stream is capturing"); log.Add("sync"); }),
        };
        using var step = new CapturedStep(launches, () => capture, new StepCapturePolicy(true, warnings.Add));
        step.Run();
        Assert.Equal(["begin", "gemm", "dispose", "gemm", "sync"], log);
        Assert.Single(warnings);
    }

    [Fact]
    public void A_device_without_a_recorder_warns_once_and_launches_directly()
    {
        var log = new List<string>();
        var warnings = new List<string>();
        using var step = new CapturedStep(Launches(log), () => null, new StepCapturePolicy(true, warnings.Add));
        step.Run();
        step.Run();
        Assert.Equal(["gemm", "softmax-ce", "sgd-update-multi", "gemm", "softmax-ce", "sgd-update-multi"], log);
        Assert.Equal(["warning: CUDA graph replay is off, launching kernels directly: this device has no CUDA graphs"], warnings);
    }

    [Fact]
    public void Off_never_asks_for_a_recorder()
    {
        var log = new List<string>();
        using var step = new CapturedStep(Launches(log), () => throw new InvalidOperationException("must not be asked"), StepCapturePolicy.Off);
        step.Run();
        Assert.Equal(["gemm", "softmax-ce", "sgd-update-multi"], log);
    }
}
