using Trainer.Kernels.Device;
using Trainer.Training.Hosting;

namespace Trainer.Training.Tests.Hosting;

/// <summary>Which device a data-parallel rank opens: GPU rank % count, and on the native cpu backend its share of the cores.</summary>
public class DeviceRequestRankTests
{
    [Theory]
    [InlineData(1, 0)] // one rank: all cores, as without ranks (0 means one per core)
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(7, 1)]
    public void The_cpu_backend_divides_the_cores_among_the_ranks_on_a_machine(int localRanks, int minimum)
    {
        for (int rank = 0; rank < localRanks; rank++)
        {
            var request = DeviceRequest.For(DeviceKind.Cpu).ForLocalRank(rank, localRanks);
            int expected = localRanks == 1 ? 0 : Math.Max(minimum, Environment.ProcessorCount / localRanks);
            Assert.Equal(expected, request.Threads);
            Assert.Equal(rank, request.Ordinal);
        }
    }

    [Fact]
    public void Threads_given_on_the_command_line_are_kept_and_gpus_get_no_threads()
    {
        Assert.Equal(3, DeviceRequest.For(DeviceKind.Cpu, 3).ForLocalRank(1, 2).Threads);
        var cuda = DeviceRequest.For(DeviceKind.Cuda).ForLocalRank(5, 8);
        Assert.Equal(0, cuda.Threads);
        Assert.Equal(5, cuda.Ordinal);
        Assert.NotEqual(DeviceRequest.For(DeviceKind.Cuda), cuda); // the ordinal is part of what was asked for
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceRequest.Auto.ForLocalRank(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceRequest.Auto.ForLocalRank(0, 0));
    }

    [Fact]
    public void An_ordinal_past_the_devices_present_wraps_around_to_one_of_them()
    {
        // One CPU accelerator here: rank 3's ordinal 3 opens it, as rank 3 of 4 on a one-GPU machine opens GPU 0.
        using var session = Session.Open(DeviceRequest.For(DeviceKind.IlgpuCpu).ForLocalRank(3, 4));
        Assert.Equal(DeviceKind.IlgpuCpu, session.Backend.Description.Kind);
    }
}
