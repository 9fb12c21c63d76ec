using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// A GEMM epilogue fixed at compile time: the microkernel is generic over a struct of this
/// interface, so each combination gets its own machine code with no flag tests, and the epilogue
/// is applied to the accumulators in registers before they are stored. Order and float operations
/// are those of <see cref="Ops.GemmEpilogue"/>: acc + bias, then ReLU (x &gt; 0 ? x : 0), then zero
/// where !(mask &gt; 0); or the SGD update fl(c − fl(lr·acc)).
/// </summary>
internal interface IGemmEpilogue
{
    static abstract bool Bias { get; }
    static abstract bool Relu { get; }
    static abstract bool Mask { get; }
    /// <summary>The bias runs along the tile's rows (one scalar per row) rather than its vector columns: tiles stored transposed.</summary>
    static abstract bool RowBias { get; }
    /// <summary>C is a parameter and the tile its gradient: store C − lr·acc instead (nothing else applies).</summary>
    static abstract bool Sgd { get; }
}

internal static class GemmEpilogues
{
    public struct None : IGemmEpilogue { public static bool Bias => false; public static bool Relu => false; public static bool Mask => false; public static bool RowBias => false; public static bool Sgd => false; }
    public struct Bias : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; public static bool Relu => false; public static bool Mask => false; public static bool RowBias => false; public static bool Sgd => false; }
    public struct Relu : IGemmEpilogue { public static bool Bias => false; static bool IGemmEpilogue.Relu => true; public static bool Mask => false; public static bool RowBias => false; public static bool Sgd => false; }
    public struct BiasRelu : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; static bool IGemmEpilogue.Relu => true; public static bool Mask => false; public static bool RowBias => false; public static bool Sgd => false; }
    public struct Mask : IGemmEpilogue { public static bool Bias => false; public static bool Relu => false; static bool IGemmEpilogue.Mask => true; public static bool RowBias => false; public static bool Sgd => false; }
    public struct BiasMask : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; public static bool Relu => false; static bool IGemmEpilogue.Mask => true; public static bool RowBias => false; public static bool Sgd => false; }
    public struct ReluMask : IGemmEpilogue { public static bool Bias => false; static bool IGemmEpilogue.Relu => true; static bool IGemmEpilogue.Mask => true; public static bool RowBias => false; public static bool Sgd => false; }
    public struct BiasReluMask : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; static bool IGemmEpilogue.Relu => true; static bool IGemmEpilogue.Mask => true; public static bool RowBias => false; public static bool Sgd => false; }
    public struct RowBias : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; public static bool Relu => false; public static bool Mask => false; static bool IGemmEpilogue.RowBias => true; public static bool Sgd => false; }
    public struct Sgd : IGemmEpilogue { public static bool Bias => false; public static bool Relu => false; public static bool Mask => false; public static bool RowBias => false; static bool IGemmEpilogue.Sgd => true; }
    public struct RowBiasRelu : IGemmEpilogue { static bool IGemmEpilogue.Bias => true; static bool IGemmEpilogue.Relu => true; public static bool Mask => false; static bool IGemmEpilogue.RowBias => true; public static bool Sgd => false; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Apply<E>(Vector512<float> x, float* bias, float* mask, float* c, float lr) where E : struct, IGemmEpilogue
    {
        if (E.Sgd) return Vector512.Load(c) - Vector512.Create(lr) * x;
        if (E.Bias) x += E.RowBias ? Vector512.Create(*bias) : Vector512.Load(bias);
        if (E.Relu) x = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512<float>.Zero);
        if (E.Mask) x = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Load(mask), Vector512<float>.Zero), x, Vector512<float>.Zero);
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Apply<E>(Vector256<float> x, float* bias, float* mask, float* c, float lr) where E : struct, IGemmEpilogue
    {
        if (E.Sgd) return Vector256.Load(c) - Vector256.Create(lr) * x;
        if (E.Bias) x += E.RowBias ? Vector256.Create(*bias) : Vector256.Load(bias);
        if (E.Relu) x = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256<float>.Zero);
        if (E.Mask) x = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Load(mask), Vector256<float>.Zero), x, Vector256<float>.Zero);
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<float> Apply<E>(Vector128<float> x, float* bias, float* mask, float* c, float lr) where E : struct, IGemmEpilogue
    {
        if (E.Sgd) return Vector128.Load(c) - Vector128.Create(lr) * x;
        if (E.Bias) x += E.RowBias ? Vector128.Create(*bias) : Vector128.Load(bias);
        if (E.Relu) x = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, Vector128<float>.Zero);
        if (E.Mask) x = Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Load(mask), Vector128<float>.Zero), x, Vector128<float>.Zero);
        return x;
    }
}
