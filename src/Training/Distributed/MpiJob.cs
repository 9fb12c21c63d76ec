namespace Trainer.Training.Distributed;

/// <summary>
/// What Open MPI's <c>mpirun</c> tells each process it starts, through the environment: whether this process is a
/// rank of an MPI job at all, and its place on this machine (for choosing a GPU and dividing the cores). Reading it
/// loads no MPI library.
/// </summary>
public static class MpiJob
{
    /// <summary>How to install what data-parallel training needs (Open MPI's mpirun and libmpi), for error messages.</summary>
    public const string InstallHint = Mpi.OpenMpiLibrary.InstallHint;

    /// <summary>Set by mpirun in every rank: the job's number of processes.</summary>
    public const string WorldSizeVariable = Mpi.MpiCommunicator.WorldSizeVariable;

    /// <summary>Whether this process was started by mpirun.</summary>
    public static bool IsRank => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorldSizeVariable));

    /// <summary>The number of ranks of the job, or 1 outside one.</summary>
    public static int WorldSize => Read(WorldSizeVariable, 1);

    /// <summary>This process's rank in the job (0 outside a job): rank 0 alone prints and writes files.</summary>
    public static int Rank => Read("OMPI_COMM_WORLD_RANK", 0);

    /// <summary>This rank's index among the ranks on this machine (0 outside a job).</summary>
    public static int LocalRank => Read("OMPI_COMM_WORLD_LOCAL_RANK", 0);

    /// <summary>How many ranks run on this machine (1 outside a job).</summary>
    public static int LocalSize => Read("OMPI_COMM_WORLD_LOCAL_SIZE", 1);

    /// <summary>
    /// Joins the job when this process is a rank of one (MPI is opened and every collective of training goes over
    /// it); otherwise the group of one, with no MPI loaded.
    /// </summary>
    public static DataParallelGroup Join() =>
        Mpi.MpiCommunicator.TryOpen() is { } communicator ? new DataParallelGroup(communicator) : DataParallelGroup.Single;

    private static int Read(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= 0 ? value : fallback;
}
