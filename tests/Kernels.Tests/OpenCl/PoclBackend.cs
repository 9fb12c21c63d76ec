using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// ILGPU's OpenCL backend on PoCL's CPU device, for tests: the real OpenCL runtime path (OpenCL C
/// built by PoCL's compiler, clEnqueueNDRangeKernel launches, buffer copies, the staging fence on
/// ILGPU's command queue), with no GPU. ILGPU refuses the device because it does not report the
/// generic address space; the kernels do not need it (OfflineCompileTests builds every one for an
/// OpenCL target without that capability, and OpenClBuildTests compiles that code with PoCL), so
/// this sets the capability flag, which ILGPU offers no public way to set, before opening the
/// device. Tests only: the product keeps ILGPU's rule and names such a device as not usable.
/// </summary>
internal static class PoclBackend
{
    private static readonly PropertyInfo? GenericAddressSpace = typeof(CLCapabilityContext).GetProperty(nameof(CLCapabilityContext.GenericAddressSpace));

    /// <summary>Why the backend cannot be opened here, or null where it can.</summary>
    public static string? WhyUnavailable => OpenClHost.WhyUnavailable
        ?? (GenericAddressSpace?.GetSetMethod(nonPublic: true) is null ? "this ILGPU has no setter for CLCapabilityContext.GenericAddressSpace" : null);

    public static IlgpuBackend Open(GemmVariant? variant = null)
    {
        if (WhyUnavailable is { } why) throw new InvalidOperationException(why);
        NativeDriverResolver.Install(); // ILGPU imports "OpenCL"; the loader is installed as libOpenCL.so.1
        var context = Context.Create(builder => IlgpuProvider.ConfigureCompiler(builder).OpenCL(_ => true));
        try
        {
            var device = context.Devices.OfType<CLDevice>().FirstOrDefault()
                ?? throw new InvalidOperationException("ILGPU found no OpenCL device although the OpenCL API lists one");
            GenericAddressSpace!.SetValue(device.Capabilities, true);
            var description = new DeviceDescription(DeviceKind.OpenCL, $"{device.Name} ({device.PlatformName}, generic address space assumed)",
                device.MemorySize, device.WarpSize, device.MaxNumThreadsPerGroup, device.NumMultiprocessors);
            return new IlgpuBackend(context, device.CreateAccelerator(context), description, variant);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }
}
