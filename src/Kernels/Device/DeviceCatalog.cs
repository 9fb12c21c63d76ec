using Trainer.Kernels.Cpu;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Device;

/// <summary>
/// The backends the trainer knows, as a list of providers, and how a device is chosen. Never falls
/// back silently: asking for a kind that is not present is an error that names what was found,
/// and <see cref="DeviceKind.Auto"/> says what it chose and why.
/// </summary>
public static class DeviceCatalog
{
    /// <summary>Every backend provider: ILGPU (CUDA, OpenCL, its CPU accelerator) and the native CPU backend.</summary>
    public static IReadOnlyList<IBackendProvider> Providers { get; } = [new IlgpuProvider(), new CpuProvider()];

    /// <summary>What <see cref="DeviceKind.Auto"/> tries, in order; the native CPU backend is always present.</summary>
    public static IReadOnlyList<DeviceKind> AutoOrder { get; } = [DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu];

    private static readonly DeviceKind[] ListOrder = [DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu, DeviceKind.IlgpuCpu];

    private static IBackendProvider ProviderOf(DeviceKind kind) =>
        Providers.First(p => p.Kinds.Contains(kind));

    /// <summary>The version of the ILGPU assembly the GPU backends are built on.</summary>
    public static string? IlgpuVersion => typeof(ILGPU.Context).Assembly.GetName().Version?.ToString();

    /// <summary>Every device present: GPUs first, then the native CPU backend, then ILGPU's CPU accelerator.</summary>
    public static IReadOnlyList<DeviceDescription> List() =>
        Providers.SelectMany(p => p.Discover()).OrderBy(d => Array.IndexOf(ListOrder, d.Kind)).ToList();

    /// <summary>Devices on this machine that no backend can use, one line each saying why (<see cref="IBackendProvider.Unusable"/>).</summary>
    public static IReadOnlyList<string> Unusable() =>
        ListOrder.SelectMany(kind => ProviderOf(kind).Unusable(kind)).ToList();

    /// <summary>
    /// Opens the requested kind. For <see cref="DeviceKind.Auto"/> picks CUDA, then OpenCL, then the
    /// native CPU backend; <paramref name="choice"/> says in one line what was opened and, for auto, why.
    /// </summary>
    public static IKernelBackend Open(DeviceKind requested, out string choice, DeviceOptions? options = null)
    {
        options ??= DeviceOptions.Default;
        if (requested != DeviceKind.Auto)
        {
            var provider = ProviderOf(requested);
            if (!provider.Discover().Any(d => d.Kind == requested))
                throw new DeviceNotAvailableException(
                    $"device '{DeviceKindNames.Name(requested)}' is not available (found: {string.Join(", ", List().Select(d => DeviceKindNames.Name(d.Kind)).Distinct())})" +
                    string.Concat(provider.Unusable(requested).Select(why => "; " + why)));
            var backend = provider.Open(requested, options);
            choice = $"device: {DeviceKindNames.Name(requested)} ({backend.Description.Name})";
            return backend;
        }

        var present = AutoOrder.SelectMany(k => ProviderOf(k).Discover()).Select(d => d.Kind).ToHashSet();
        var kind = AutoOrder.First(present.Contains);
        string why = kind switch
        {
            DeviceKind.Cuda => "CUDA is present",
            DeviceKind.OpenCL => "no CUDA device, OpenCL is present",
            _ => "no CUDA or OpenCL device found",
        };
        var opened = ProviderOf(kind).Open(kind, options);
        choice = $"device: {DeviceKindNames.Name(kind)} ({opened.Description.Name}), chosen by --device auto: {why}";
        return opened;
    }
}
