namespace Trainer.Training.Tests.Distributed;

/// <summary>
/// A fact that starts processes with Open MPI's <c>mpirun</c>; skipped, saying what to install, where mpirun is not
/// on the PATH. Mirrors <see cref="Checkpoints.PythonNumpyFactAttribute"/>.
/// </summary>
public sealed class MpiRunFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Found = new(FindMpirun);

    /// <summary>The full path of mpirun, or null where it is missing.</summary>
    public static string? Mpirun => Found.Value;

    public MpiRunFactAttribute()
    {
        if (Mpirun is null) Skip = "mpirun is not on the PATH; install Open MPI with `apt-get install openmpi-bin libopenmpi-dev` to run the 2-rank all-reduce test";
    }

    private static string? FindMpirun() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "mpirun"))
            .FirstOrDefault(File.Exists);
}
