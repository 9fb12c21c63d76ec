using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class HostTensorTests
{
    [Fact]
    public void Scalar_HasOneElement()
    {
        var scalar = new HostTensor([], new byte[] { 7 });
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal("uint8 []", scalar.ToString());
    }

    [Fact]
    public void ElementCount_IsProductOfShape()
    {
        var tensor = new HostTensor([2, 3, 4], new float[24]);
        Assert.Equal(24, tensor.ElementCount);
        Assert.Equal(DType.Float32, tensor.DType);
        Assert.Equal(0, new HostTensor([5, 0, 3], Array.Empty<int>()).ElementCount);
    }

    [Fact]
    public void ShapeAndDataMismatch_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new HostTensor([2, 3], new float[5]));
        Assert.StartsWith("shape [2,3] has 6 elements but the data has 5", error.Message);
        Assert.Throws<ArgumentException>(() => new HostTensor([-1], Array.Empty<byte>()));
    }

    [Fact]
    public void WrongAccessor_NamesActualType()
    {
        var tensor = new HostTensor([28, 28, 1], new byte[784]);
        Assert.Same(tensor.AsUInt8(), tensor.AsUInt8());
        Assert.Equal("tensor is uint8 [28,28,1], not float32", Assert.Throws<InvalidOperationException>(() => tensor.AsFloat()).Message);
        Assert.Equal("tensor is uint8 [28,28,1], not int32", Assert.Throws<InvalidOperationException>(() => tensor.AsInt32()).Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int32)]
    [InlineData(DType.UInt8)]
    public void Zeros_AllocatesRequestedType(DType dtype)
    {
        HostTensor tensor = HostTensor.Zeros(dtype, [3, 2]);
        Assert.Equal(dtype, tensor.DType);
        Assert.Equal(6, tensor.ElementCount);
    }
}
