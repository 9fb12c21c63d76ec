namespace Trainer.Kernels.Families;

/// <summary>
/// What <see cref="FamilyCatalog.Register"/> hands every functor to: each backend registers its generic
/// kernels specialised by the functor into its <see cref="Device.KernelTable"/>, the self-test makes a check of
/// each, the tests enumerate them. The catalog is written once; the registrars differ.
/// </summary>
public interface IFamilyRegistrar
{
    /// <summary>An elementwise map; <paramref name="create"/> makes the functor for a call's scalar (most ignore it).</summary>
    void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor;

    /// <summary>A broadcasting binary op.</summary>
    void Binary<TF>() where TF : struct, IBinaryFunctor;

    /// <summary>A reduction over axes.</summary>
    void Reduce<TF>() where TF : struct, IReduceFunctor;
}
