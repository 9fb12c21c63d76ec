using Trainer.Training.Distributed;

namespace Trainer.Training.Tests.Distributed;

public class SingleProcessCommunicatorTests
{
    [Fact]
    public void IsRankZeroOfOne()
    {
        ICommunicator comm = SingleProcessCommunicator.Instance;
        Assert.Equal(0, comm.Rank);
        Assert.Equal(1, comm.Size);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    public void AllReduceSumLeavesEveryBitAsItWas(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? float.NaN : i % 3 == 1 ? -0f : i * 0.1f).ToArray();
        var before = data.Select(BitConverter.SingleToInt32Bits).ToArray();
        SingleProcessCommunicator.Instance.AllReduceSum(data);
        Assert.Equal(before, data.Select(BitConverter.SingleToInt32Bits).ToArray());
    }

    [Fact]
    public void BeginAllReduceSumReturnsACompletedRequestAndLeavesTheData()
    {
        float[] data = [1.5f, -2f, 3.25f];
        using var request = SingleProcessCommunicator.Instance.BeginAllReduceSum(data);
        Assert.True(request.Test());
        request.Wait();
        Assert.Equal([1.5f, -2f, 3.25f], data);
    }

    [Fact]
    public void BarrierAndDisposeReturnAndLeaveItUsable()
    {
        var comm = SingleProcessCommunicator.Instance;
        comm.Barrier();
        comm.Dispose();
        comm.AllReduceSum(new float[4]);
        Assert.Equal(1, comm.Size);
    }
}
