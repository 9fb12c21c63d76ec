using Trainer.Kernels.Device;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>An OpenCL device that ILGPU's backend cannot use is named, with the reason, when a user asks for <c>--device opencl</c>.</summary>
public sealed class UnusableOpenClDeviceTests
{
    [OpenClFact]
    public void Asking_for_opencl_names_the_device_ILGPU_cannot_use_and_why()
    {
        if (DeviceCatalog.List().Any(d => d.Kind == DeviceKind.OpenCL))
            return; // this machine's OpenCL device is usable: nothing is skipped to explain
        using var host = OpenClHost.Open(); // the OpenCL API's own view of the device, not ILGPU's
        var e = Assert.Throws<DeviceNotAvailableException>(() => DeviceCatalog.Open(DeviceKind.OpenCL, out _));
        Assert.Contains($"; OpenCL device '{host.DeviceName}' ({host.PlatformName}) is present but cannot run ILGPU's kernels: it ", e.Message);
        Assert.Matches(@"it (lacks the generic address space ILGPU needs|offers OpenCL C \d\.\d and ILGPU needs 2\.0)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
