using Trainer.Kernels.Families;

namespace Trainer.Kernels.Tests.Families;

/// <summary>The functors of <see cref="FamilyCatalog"/> by key, so one test body runs each on each backend.</summary>
internal static class FamilyCases
{
    public static readonly Dictionary<string, object> Unary = [];
    public static readonly Dictionary<string, object> Binary = [];
    public static readonly Dictionary<string, object> Reduce = [];

    static FamilyCases() => FamilyCatalog.Register(new Lister());

    /// <summary>
    /// Functors run on PoCL as well: one per family. PoCL compiles each kernel when first launched (about a second
    /// each here), and the OpenCL build tests already compile every family kernel's OpenCL C with PoCL's compiler.
    /// </summary>
    private static readonly HashSet<string> OnPocl = ["unary.exp", "binary.div", "reduce.mean"];

    /// <summary>
    /// (backend, key) for every functor of a family on the native backend and ILGPU's CPU accelerator (not its
    /// wide-group variant: the family kernels choose no group size), and on PoCL for <see cref="OnPocl"/>.
    /// </summary>
    public static TheoryData<string, string> On(IEnumerable<string> keys)
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in BackendFixture.All.Where(b => b != BackendFixture.Wide))
            foreach (string key in keys.Where(k => backend != BackendFixture.OpenClPocl || OnPocl.Contains(k)))
                data.Add(backend, key);
        return data;
    }

    private sealed class Lister : IFamilyRegistrar
    {
        public void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor => FamilyCases.Unary[FamilyKeys.Unary(default(TF).Name)] = create(-0.625f);
        public void Binary<TF>() where TF : struct, IBinaryFunctor => FamilyCases.Binary[FamilyKeys.Binary(default(TF).Name)] = default(TF);
        public void Reduce<TF>() where TF : struct, IReduceFunctor => FamilyCases.Reduce[FamilyKeys.Reduce(default(TF).Name)] = default(TF);
    }
}
