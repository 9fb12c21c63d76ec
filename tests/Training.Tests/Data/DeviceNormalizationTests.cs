using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Training.Tests.Data;

/// <summary>
/// Graph mode normalises images on the device; the values must be the very bits the host pipeline
/// (Rescale then Normalize, and the prefetching loader's 256-entry table) would have uploaded.
/// </summary>
public sealed class DeviceNormalizationTests
{
    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void Every_byte_value_normalises_to_the_host_pipelines_bits(DeviceKind device)
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var host = new HostTensor([16, 16], bytes); // an [H,W] image, as Rescale and Normalize take it
        var expected = new Normalize(Datapipe.Mean, Datapipe.Std).Apply(new Rescale(Datapipe.Scale, Datapipe.Shift).Apply(host)).AsFloat();

        using var session = Session.Open(device);
        var actual = Datapipe.OnDevice(session.ToDevice(host)).ToFloatArray();
        session.EndStep();

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [MemberData(nameof(TestDevices.AllKinds), MemberType = typeof(TestDevices))]
    public void A_byte_batch_normalised_on_the_device_equals_the_loaders_float_batch(DeviceKind device)
    {
        var source = new MnistDataset(null, "train");
        var floats = Datapipe.CreateLoader(source, 64, shuffleSeed: 3).Batches(0).First().Data.AsFloat().ToArray();
        var raw = Datapipe.CreateLoader(source, 64, shuffleSeed: 3, bytes: true).Batches(0).First().Data;
        Assert.Equal(DType.UInt8, raw.DType);

        using var session = Session.Open(device);
        var actual = Datapipe.OnDevice(session.ToDevice(raw)).ToFloatArray();
        session.EndStep();

        Assert.Equal(floats.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }
}
