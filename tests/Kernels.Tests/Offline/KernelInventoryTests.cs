using System.Reflection;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>The offline tests cover every kernel: what the backend loads is exactly the set of its *Kernel methods.</summary>
public sealed class KernelInventoryTests
{
    /// <summary>
    /// A *Kernel method the backend does not load would escape the offline checks (and is dead
    /// code); a loaded kernel not named *Kernel means the IL scan found something unexpected.
    /// </summary>
    [Fact]
    public void Backend_loads_exactly_its_kernel_methods()
    {
        var declared = typeof(IlgpuBackend)
            .GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal))
            .Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        var loaded = LoadedKernels.All.Select(k => k.Name).Distinct().ToList();
        Assert.True(declared.SequenceEqual(loaded),
            $"declared but not loaded: [{string.Join(", ", declared.Except(loaded))}]; " +
            $"loaded but not named *Kernel: [{string.Join(", ", loaded.Except(declared))}]");
    }

    [Fact]
    public void Every_cpu_only_exception_names_a_loaded_kernel() =>
        Assert.All(LoadedKernels.CpuOnly, name => Assert.Contains(name, LoadedKernels.All.Select(LoadedKernels.NameOf)));
}
