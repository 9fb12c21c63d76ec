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
    /// (backend, key) for every backend of <see cref="BackendFixture.All"/> but the wide-group ILGPU one (the family
    /// kernels choose no group size, so it would run the same code again) and every functor of a family.
    /// </summary>
    public static TheoryData<string, string> On(IEnumerable<string> keys)
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in BackendFixture.All.Where(b => b != BackendFixture.Wide))
            foreach (string key in keys)
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
