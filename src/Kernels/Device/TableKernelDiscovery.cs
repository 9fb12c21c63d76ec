using System.Collections.Concurrent;
using System.Reflection;

namespace Trainer.Kernels.Device;

/// <summary>
/// Finds a backend type's <see cref="TableKernelAttribute"/> methods by reflection, once per type (cached), and
/// registers them in a table as delegates bound to the backend instance. Only construction pays: a launch calls
/// the delegate the bind method returned, as with an explicitly registered kernel.
/// </summary>
internal static class TableKernelDiscovery
{
    private static readonly ConcurrentDictionary<Type, (string Key, MethodInfo Bind, bool CountsItself)[]> Marked = new();

    /// <summary>The keys and bind methods marked on <paramref name="backendType"/> (inherited ones excluded), in key order.</summary>
    public static IReadOnlyList<(string Key, MethodInfo Bind, bool CountsItself)> Of(Type backendType) => Marked.GetOrAdd(backendType, Find);

    /// <summary>Registers every marked kernel of <paramref name="backend"/>'s type in <paramref name="table"/>.</summary>
    public static void Register(object backend, KernelTable table)
    {
        foreach (var (key, bind, countsItself) in Of(backend.GetType()))
        {
            var entry = bind.CreateDelegate<Func<KernelCall, Action?>>(backend);
            if (countsItself) table.RegisterCountingItself(key, entry);
            else table.Register(key, entry);
        }
    }

    private static (string, MethodInfo, bool)[] Find(Type type)
    {
        var found = new List<(string, MethodInfo, bool)>();
        foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
            var mark = method.GetCustomAttribute<TableKernelAttribute>();
            if (mark is null) continue;
            var parameters = method.GetParameters();
            if (method.ReturnType != typeof(Action) || parameters.Length != 1 || parameters[0].ParameterType != typeof(KernelCall))
                throw new InvalidOperationException(
                    $"{type.Name}.{method.Name} is marked [TableKernel(\"{mark.Key}\")] but is not 'Action? {method.Name}(KernelCall call)'");
            found.Add((mark.Key, method, mark.CountsItself));
        }
        return [.. found.OrderBy(f => f.Item1, StringComparer.Ordinal)];
    }
}
