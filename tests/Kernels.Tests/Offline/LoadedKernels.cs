using System.Reflection;
using System.Reflection.Emit;
using ILGPU;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>
/// The kernels <see cref="IlgpuBackend"/> compiles, read from the backend's own IL: every static
/// method whose address its constructor, or a method of the backend it calls (the Load* methods),
/// takes with <c>ldftn</c> to hand to ILGPU, and every bind method it registers in its kernel table by reflection
/// (<c>[TableKernel]</c>). A kernel is covered here as soon as a Load method passes
/// it to <c>LoadAutoGroupedStreamKernel</c> or <c>LoadStreamKernel</c>; nobody has to add it to a list.
/// </summary>
internal static class LoadedKernels
{
    // Initialised first: the properties below scan IL with it.
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>
    /// Kernels the backend never launches on a GPU: <see cref="IlgpuProvider.Open"/> and the
    /// backend's constructor reject <see cref="GemmVariant.RegisterBlocked"/> on CUDA and OpenCL with
    /// an <see cref="ArgumentException"/>, so only ILGPU's CPU accelerator runs this kernel.
    /// </summary>
    public static IReadOnlySet<string> CpuOnly { get; } = new HashSet<string> { nameof(IlgpuBackend.RegisterBlockedKernel) };

    /// <summary>Every kernel the backend loads, in every variant, sorted by name.</summary>
    public static IReadOnlyList<MethodInfo> All { get; } = Scan();

    /// <summary>The kernels a CUDA or OpenCL backend launches.</summary>
    public static IReadOnlyList<MethodInfo> OnGpu { get; } = All.Where(k => !CpuOnly.Contains(NameOf(k))).ToList();

    public static MethodInfo Named(string name) => All.Single(k => NameOf(k) == name);

    /// <summary>A kernel's name in test cases: the method's, with the functor for a family kernel (<c>UnaryKernel&lt;Exp&gt;</c>).</summary>
    public static string NameOf(MethodInfo kernel) =>
        kernel.IsGenericMethod ? $"{kernel.Name}<{string.Join(",", kernel.GetGenericArguments().Select(t => t.Name))}>" : kernel.Name;

    /// <summary>ILGPU's own rule: an implicitly grouped kernel takes its thread index first; any other kernel is launched with a <see cref="ILGPU.Runtime.KernelConfig"/>.</summary>
    public static bool IsExplicitlyGrouped(MethodInfo kernel)
    {
        var parameters = kernel.GetParameters();
        if (parameters.Length == 0) return true;
        var first = parameters[0].ParameterType;
        return first != typeof(Index1D) && first != typeof(Index2D) && first != typeof(Index3D);
    }

    private static List<MethodInfo> Scan()
    {
        var backend = typeof(IlgpuBackend);
        var kernels = new HashSet<MethodInfo>();
        var visited = new HashSet<MethodBase>();
        var pending = new Stack<MethodBase>(backend.GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public));
        // Kernels that register themselves: the constructor reaches their bind methods by reflection, not by a call.
        foreach (var (_, bind, _) in Trainer.Kernels.Device.TableKernelDiscovery.Of(backend)) pending.Push(bind);
        while (pending.Count > 0)
        {
            var method = pending.Pop();
            if (!visited.Add(method)) continue;
            foreach (var (opCode, target) in MethodReferences(method))
            {
                if (!IsOurs(target.DeclaringType, backend) || target is not MethodInfo info) continue;
                // A generic kernel seen inside the generic code that loads it is open; its concrete forms come below.
                if (opCode == OpCodes.Ldftn && info.IsStatic && info.DeclaringType == backend)
                {
                    if (!info.ContainsGenericParameters) kernels.Add(info);
                }
                // Calls, and lambdas (a kernel loaded inside one, as the kernel table's lazy loaders do).
                else if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Ldftn) pending.Push(info);
            }
        }
        foreach (var family in IlgpuBackend.FamilyKernelMethods()) kernels.Add(family);
        return kernels.OrderBy(NameOf, StringComparer.Ordinal).ToList();
    }

    /// <summary>The backend or a type nested in it (its lambdas' closures, its registrars).</summary>
    private static bool IsOurs(Type? type, Type backend)
    {
        for (; type is not null; type = type.DeclaringType)
            if (type == backend) return true;
        return false;
    }

    /// <summary>The method operand of each call, callvirt and ldftn in <paramref name="method"/>'s IL.</summary>
    private static IEnumerable<(OpCode, MethodBase)> MethodReferences(MethodBase method)
    {
        byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? unchecked((short)(0xFE00 | il[i + 1])) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            if (opCode.OperandType == OperandType.InlineMethod)
            {
                var target = Resolve(method, BitConverter.ToInt32(il, i));
                if (target is not null) yield return (opCode, target);
            }
            i += OperandSize(opCode.OperandType, il, i);
        }
    }

    /// <summary>The method a token names, resolved in <paramref name="method"/>'s generic context; null where it cannot be.</summary>
    private static MethodBase? Resolve(MethodBase method, int token)
    {
        try
        {
            var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
            var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
            return method.Module.ResolveMethod(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
