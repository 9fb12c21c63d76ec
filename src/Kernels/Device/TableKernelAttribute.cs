namespace Trainer.Kernels.Device;

/// <summary>
/// Marks a backend's kernel: an instance method <c>Action? Bind(KernelCall call)</c> of the backend class that
/// <see cref="TableKernelDiscovery"/> registers in the backend's <see cref="KernelTable"/> under <see cref="Key"/>
/// when the backend is constructed. A kernel outside the families is then new files only (one per backend),
/// with no list of registrations to edit.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class TableKernelAttribute(string key) : Attribute
{
    /// <summary>The table key the method's kernel is registered under (<c>slice</c>, <c>argmax</c>).</summary>
    public string Key { get; } = key;

    /// <summary>Whether the kernel's launch counts itself in the backend's launch count (see <see cref="KernelTable.RegisterCountingItself"/>).</summary>
    public bool CountsItself { get; init; }
}
