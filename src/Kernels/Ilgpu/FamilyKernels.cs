using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// The families' kernels on ILGPU: one generic kernel per family (map, broadcasting binary op, reduction over
/// axes) that ILGPU compiles once per struct functor of <see cref="FamilyCatalog"/>, when an op first binds it,
/// and the table entries (<see cref="Kernels"/>) that launch them. Each thread walks the outputs with a grid
/// stride; each reduction output is folded by one thread in row-major order, so the result does not depend on
/// the launch geometry.
/// </summary>
public sealed partial class IlgpuBackend
{
    /// <inheritdoc/>
    public KernelTable Kernels { get; private set; } = null!;

    private void CreateKernelTable()
    {
        var table = new KernelTable(Description.Summary, () => LaunchCount++);
        FamilyCatalog.Register(new FamilyRegistrar(this, table));
        // Kernels outside the families register themselves ([TableKernel] on their bind method, one file per kernel);
        // a kernel may still be registered here explicitly with table.Register(key, bind).
        TableKernelDiscovery.Register(this, table);
        LayerKernelEntries.Register(table, this);
        RegisterWindowedKernels(table);
        RegisterDropout(table);
        Kernels = table;
    }

    /// <summary>A kernel compiled when first asked for, with ILGPU's trace heard for the error message as the constructor does.</summary>
    private Lazy<T> Compiled<T>(Func<T> load) => new(() =>
    {
        using var trace = TraceCapture.Start();
        try
        {
            return load();
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            string heard = trace.Text;
            throw new DeviceNotAvailableException($"{Description.Summary}: compiling a kernel failed: {e.Message}" +
                (heard.Length > 0 ? $" (ILGPU trace: {heard.ReplaceLineEndings(" ")})" : ""));
        }
    });

    private readonly Dictionary<string, object> loadedKernels = new(StringComparer.Ordinal);

    /// <summary>
    /// The kernel named <paramref name="name"/>, compiled by <paramref name="load"/> the first time a bind asks for it (as
    /// <see cref="Compiled{T}"/> does) and kept for the backend's life: how a <see cref="TableKernelAttribute"/> bind method loads its kernel.
    /// </summary>
    private T Loaded<T>(string name, Func<T> load) where T : class
    {
        if (loadedKernels.TryGetValue(name, out var kernel)) return (T)kernel;
        var loaded = Compiled(load).Value;
        loadedKernels.Add(name, loaded);
        return loaded;
    }

    private sealed class FamilyRegistrar(IlgpuBackend backend, KernelTable table) : IFamilyRegistrar
    {
        public void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor
        {
            var kernel = backend.Compiled(() =>
                backend.accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, TF, int, int>(UnaryKernel<TF>));
            table.Register(FamilyKeys.Unary(default(TF).Name), call =>
            {
                int count = checked((int)KernelCall.ElementCount(call.OutputShapes[0]));
                if (Empty(count)) return null;
                var launch = kernel.Value;
                ArrayView<float> x = call.Inputs[0].Float(), y = call.Outputs[0].Float();
                var f = create(call.Scalar);
                int t = backend.Threads(count);
                return () => launch(t, x, y, f, count, t);
            });
        }

        public void Binary<TF>() where TF : struct, IBinaryFunctor
        {
            var kernel = backend.Compiled(() =>
                backend.accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, TF, BroadcastGeometry, int>(BinaryKernel<TF>));
            table.Register(FamilyKeys.Binary(default(TF).Name), call =>
            {
                var geometry = BroadcastGeometry.For(call.InputShapes[0], call.InputShapes[1], call.OutputShapes[0]);
                if (Empty(geometry.Count)) return null;
                var launch = kernel.Value;
                ArrayView<float> a = call.Inputs[0].Float(), b = call.Inputs[1].Float(), y = call.Outputs[0].Float();
                int t = backend.Threads(geometry.Count);
                return () => launch(t, a, b, y, default, geometry, t);
            });
        }

        public void Reduce<TF>() where TF : struct, IReduceFunctor
        {
            var kernel = backend.Compiled(() =>
                backend.accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, TF, ReduceGeometry, int>(ReduceKernel<TF>));
            table.Register(FamilyKeys.Reduce(default(TF).Name), call =>
            {
                var geometry = ReduceGeometry.For(call.InputShapes[0], call.Axes);
                if (Empty(geometry.OutputCount)) return null;
                var launch = kernel.Value;
                ArrayView<float> x = call.Inputs[0].Float(), y = call.Outputs[0].Float();
                int t = backend.Threads(geometry.OutputCount);
                return () => launch(t, x, y, default, geometry, t);
            });
        }
    }

    internal static void UnaryKernel<TF>(Index1D thread, ArrayView<float> x, ArrayView<float> y, TF f, int count, int stride)
        where TF : struct, IUnaryFunctor
    {
        for (int i = thread; i < count; i += stride)
            y[i] = f.Apply(x[i]);
    }

    internal static void BinaryKernel<TF>(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, TF f, BroadcastGeometry g, int stride)
        where TF : struct, IBinaryFunctor
    {
        for (int i = thread; i < g.Count; i += stride)
        {
            g.Offsets(i, out int oa, out int ob);
            y[i] = f.Apply(a[oa], b[ob]);
        }
    }

    internal static void ReduceKernel<TF>(Index1D thread, ArrayView<float> x, ArrayView<float> y, TF f, ReduceGeometry g, int stride)
        where TF : struct, IReduceFunctor
    {
        int count = g.ReducedCount;
        for (int o = thread; o < g.OutputCount; o += stride)
        {
            int start = g.Base(o);
            float acc = f.Identity;
            for (int r = 0; r < count; r++) acc = f.Combine(acc, x[start + g.Step(r)]);
            y[o] = f.Finish(acc, count);
        }
    }

    /// <summary>
    /// Every family kernel as ILGPU compiles it: the generic kernels made concrete for each functor of
    /// <see cref="FamilyCatalog"/> (for the offline PTX and OpenCL checks, which cannot see them in the constructor's IL).
    /// </summary>
    internal static IReadOnlyList<MethodInfo> FamilyKernelMethods()
    {
        var lister = new KernelLister();
        FamilyCatalog.Register(lister);
        return lister.Methods;
    }

    private sealed class KernelLister : IFamilyRegistrar
    {
        private static MethodInfo Generic(string name) =>
            typeof(IlgpuBackend).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!;

        public List<MethodInfo> Methods { get; } = [];

        public void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor => Methods.Add(Generic(nameof(UnaryKernel)).MakeGenericMethod(typeof(TF)));
        public void Binary<TF>() where TF : struct, IBinaryFunctor => Methods.Add(Generic(nameof(BinaryKernel)).MakeGenericMethod(typeof(TF)));
        public void Reduce<TF>() where TF : struct, IReduceFunctor => Methods.Add(Generic(nameof(ReduceKernel)).MakeGenericMethod(typeof(TF)));
    }
}
