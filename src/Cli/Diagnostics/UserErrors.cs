using Trainer.Graph;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// Which exceptions from the layers below are the user's to fix (a missing device, bad data, a shape
/// the compiler rejects, a file that cannot be read or written) rather than a bug, and the exit code
/// each deserves. The command line prints their message as one line; anything else is an internal error.
/// </summary>
public static class UserErrors
{
    /// <summary>2 when the requested device is not there (a usage problem), 3 when training diverged, 1 for bad input or an MPI failure, null for everything else.</summary>
    public static int? ExitCode(Exception e) => e switch
    {
        DeviceNotAvailableException => 2,
        TrainingDivergedException => 3,
        Trainer.Training.Distributed.Mpi.MpiException => 1,
        DatasetException or Trainer.Training.Export.OnnxExportException or GraphCompileException or OpShapeException or IOException or UnauthorizedAccessException => 1,
        _ => null,
    };
}
