using Trainer.Kernels.Device;

namespace Trainer.Kernels.Rng;

/// <summary>
/// Where the tensor a dropout kernel masks sits in the stream of elements its mask is drawn for, the kernels'
/// <see cref="KernelCall.Attributes"/> (<see cref="DropoutKeys"/>): its element i draws as element
/// <see cref="FirstElement"/> + i of the whole (word (first + i) mod 4 of the block at counter (first + i) / 4), so
/// a part of a larger tensor, such as a data-parallel rank's rows of the global batch, gets exactly the factors the
/// whole would give those elements. A call without attributes masks a whole tensor (first element 0).
/// </summary>
/// <param name="FirstElement">The index, in the whole, of the tensor's element 0; at least 0.</param>
public sealed record DropoutSlice(long FirstElement)
{
    /// <summary>The first element a call's tensor draws as: its <see cref="DropoutSlice"/>'s, or 0 without one.</summary>
    /// <exception cref="ArgumentException">The call carries attributes of another type, or a negative first element.</exception>
    internal static long FirstElementOf(KernelCall call, string key)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Attributes is null) return 0;
        long first = call.AttributesAs<DropoutSlice>(key).FirstElement;
        if (first < 0) throw new ArgumentException($"kernel '{key}': the first element {first} of a dropout slice is negative");
        return first;
    }
}
