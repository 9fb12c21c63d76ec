using Trainer.Kernels.Families.Binary;
using Trainer.Kernels.Families.Reduce;
using Trainer.Kernels.Families.Unary;

namespace Trainer.Kernels.Families;

/// <summary>
/// Every functor of the three families, listed once: each backend registers its generic kernels for each
/// (<see cref="IFamilyRegistrar"/>), and the self-test checks each. Adding an elementwise op is one functor
/// file and one line here.
/// </summary>
public static class FamilyCatalog
{
    /// <summary>Hands every functor to <paramref name="registrar"/>, in a fixed order.</summary>
    public static void Register(IFamilyRegistrar registrar)
    {
        registrar.Unary(_ => new Neg());
        registrar.Unary(_ => new Exp());
        registrar.Unary(_ => new Log());
        registrar.Unary(_ => new Sqrt());
        registrar.Unary(_ => new Tanh());
        registrar.Unary(_ => new Sigmoid());
        registrar.Unary(_ => new Abs());
        registrar.Unary(_ => new Square());
        registrar.Unary(_ => new Sign());
        registrar.Unary(s => new MulScalar(s));
        registrar.Unary(s => new AddScalar(s));

        registrar.Binary<Add>();
        registrar.Binary<Sub>();
        registrar.Binary<Mul>();
        registrar.Binary<Div>();
        registrar.Binary<Maximum>();
        registrar.Binary<Minimum>();
        registrar.Binary<GreaterEqual>();
        registrar.Binary<Greater>();
        registrar.Binary<Equal>();
        registrar.Binary<First>();

        registrar.Reduce<Sum>();
        registrar.Reduce<Mean>();
        registrar.Reduce<Max>();
    }
}
