using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Tests.Offline;

/// <summary>What ILGPU made of one kernel for one target: the PTX or OpenCL C, and the shared memory it declared.</summary>
public sealed record OfflineKernel(string Kernel, OfflineTarget Target, string Code, int StaticSharedBytes, bool HasDynamicShared);

/// <summary>
/// Compiles kernels with ILGPU's PTX and OpenCL C backends in a context that has no device, with the
/// settings the backend's own contexts use (<see cref="IlgpuProvider.ConfigureCompiler"/>). Each kernel
/// and target is compiled once per test run and shared by the tests that inspect it; a failure is
/// remembered and thrown to each of them.
/// </summary>
internal static class OfflineCompiler
{
    private static readonly Lock Gate = new();
    // Lives for the test run: the compiled kernels and their backends hang off it.
    private static readonly Context Context = Context.Create(builder => IlgpuProvider.ConfigureCompiler(builder));
    private static readonly Dictionary<OfflineTarget, Backend> Backends = [];
    private static readonly Dictionary<(MethodInfo, OfflineTarget), Lazy<OfflineKernel>> Compiled = [];

    public static OfflineKernel Compile(string kernel, OfflineTarget target) => Compile(LoadedKernels.Named(kernel), target);

    public static OfflineKernel Compile(MethodInfo kernel, OfflineTarget target)
    {
        Lazy<OfflineKernel> result;
        lock (Gate)
        {
            if (!Compiled.TryGetValue((kernel, target), out result!))
                Compiled[(kernel, target)] = result = new(() => Run(kernel, target));
        }
        return result.Value;
    }

    // One compile at a time: ILGPU backends are not documented as safe to share between threads.
    private static OfflineKernel Run(MethodInfo kernel, OfflineTarget target)
    {
        lock (Gate)
        {
            if (!Backends.TryGetValue(target, out var backend))
                Backends[target] = backend = target.CreateBackend(Context);
            var entry = LoadedKernels.IsExplicitlyGrouped(kernel)
                ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
                : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
            var compiled = backend.Compile(entry, default(KernelSpecialization));
            string code = compiled switch
            {
                PTXCompiledKernel ptx => ptx.PTXAssembly,
                CLCompiledKernel cl => cl.Source,
                _ => throw new InvalidOperationException($"{target} produced a {compiled.GetType().Name}"),
            };
            var shared = SharedMemoryOf(compiled);
            return new OfflineKernel(LoadedKernels.NameOf(kernel), target, code, shared.StaticSize, shared.HasDynamicMemory);
        }
    }

    /// <summary>
    /// The shared memory ILGPU declares for the kernel, the sizes it hands the driver at launch. ILGPU
    /// 1.5.3 keeps them on the compiled kernel's internal entry point (the public KernelInfo is filled
    /// only when a context property with no public setter is on), so this reads that property and says
    /// so if a newer ILGPU moves it.
    /// </summary>
    private static SharedMemorySpecification SharedMemoryOf(CompiledKernel compiled)
    {
        var property = typeof(CompiledKernel).GetProperty("EntryPoint", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("ILGPU's CompiledKernel no longer has an internal EntryPoint property: find where this ILGPU keeps the kernel's shared memory size");
        return ((EntryPoint)property.GetValue(compiled)!).SharedMemory;
    }
}
