using Trainer.Cli.Diagnostics;
using Trainer.Graph;
using Trainer.Kernels.Device;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Cli.Tests.Diagnostics;

/// <summary>Which exceptions from the libraries the command prints as one line, and with which exit code; anything else is an internal error.</summary>
public sealed class UserErrorsTests
{
    [Fact]
    public void Checkpoint_errors_are_user_errors_with_exit_code_1()
    {
        Assert.Equal(1, UserErrors.ExitCode(new CheckpointException("x.safetensors", "missing tensor 'a'")));
    }

    [Fact]
    public void Each_kind_of_user_error_gets_its_exit_code_and_a_bug_gets_none()
    {
        Assert.Equal(2, UserErrors.ExitCode(new DeviceNotAvailableException("no cuda device")));
        Assert.Equal(3, UserErrors.ExitCode(TrainingDivergedException.Loss(0, 5, float.NaN)));
        Assert.Equal(1, UserErrors.ExitCode(new DatasetException("bad.idx: truncated")));
        Assert.Equal(1, UserErrors.ExitCode(new GraphCompileException("shape mismatch")));
        Assert.Equal(1, UserErrors.ExitCode(new UnauthorizedAccessException("denied")));
        Assert.Null(UserErrors.ExitCode(new InvalidOperationException("a bug")));
        Assert.Null(UserErrors.ExitCode(new NullReferenceException()));
    }
}
