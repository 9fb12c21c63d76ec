using Trainer.Graph;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Hosting;

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
        Loops.TrainingDivergedException => 3,
        Distributed.Mpi.MpiException => 1,
        DatasetException or Export.OnnxExportException or GraphCompileException or OpShapeException or IOException or UnauthorizedAccessException => 1,
        _ => null,
    };
}
