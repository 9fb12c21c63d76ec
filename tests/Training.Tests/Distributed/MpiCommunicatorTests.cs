using Trainer.Training.Distributed.Mpi;

namespace Trainer.Training.Tests.Distributed;

/// <summary>What <see cref="MpiCommunicator"/> and its Open MPI binding do in a single process; the collectives themselves run in <see cref="MpiLoopbackTests"/>.</summary>
public class MpiCommunicatorTests
{
    [Fact]
    public void TryOpenOutsideMpirunReturnsNullAndLoadsNoLibmpi()
    {
        Assert.Null(MpiCommunicator.TryOpen(_ => null));
        Assert.Null(MpiCommunicator.TryOpen(_ => ""));
        Assert.False(OpenMpiLibrary.IsLoaded);
    }

    [Fact]
    public void TryOpenAsksForTheVariableMpirunSets()
    {
        var asked = new List<string>();
        MpiCommunicator.TryOpen(name => { asked.Add(name); return null; });
        Assert.Equal(["OMPI_COMM_WORLD_SIZE"], asked);
    }

    [Fact]
    public void AMissingLibmpiIsOneLineSayingWhatToInstall()
    {
        var e = Assert.Throws<MpiException>(() => OpenMpiLibrary.Load(["libmpi-missing.so.99", "libmpi-missing.so"]));
        Assert.Equal("MPI was requested but Open MPI's libmpi could not be loaded (tried libmpi-missing.so.99, libmpi-missing.so); install it with `apt-get install openmpi-bin libopenmpi-dev`", e.Message);
        Assert.Null(e.Call);
    }

    [Fact]
    public void ALibraryWithoutOpenMpisHandlesIsRefused()
    {
        var e = Assert.Throws<MpiException>(() => OpenMpiLibrary.Load(["libc.so.6"]));
        Assert.Equal("libc.so.6 is not Open MPI's libmpi (it exports no ompi_mpi_comm_world); this binding follows Open MPI's ABI, where handles are pointers, and cannot drive MPICH-style int handles; install Open MPI with `apt-get install openmpi-bin libopenmpi-dev`", e.Message);
    }

    [Fact]
    public void AFailedCallNamesTheCallTheCodeAndMpisTextOnOneLine()
    {
        var e = new MpiException("MPI_Allreduce", 2, "MPI_ERR_COUNT: invalid count argument\n  more detail \n");
        Assert.Equal("MPI_Allreduce failed with MPI error 2: MPI_ERR_COUNT: invalid count argument more detail", e.Message);
        Assert.Equal("MPI_Allreduce", e.Call);
        Assert.Equal(2, e.ErrorCode);
    }
}
