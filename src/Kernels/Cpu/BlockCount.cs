namespace Trainer.Kernels.Cpu;

/// <summary>
/// A compile-time count (1 to 8) for register-blocked kernels: a kernel generic over a struct
/// implementing this is specialised per count by the JIT, so <c>if (T.Value &gt; 3)</c> costs
/// nothing and the accumulators it guards stay in registers.
/// </summary>
internal interface IBlockCount
{
    static abstract int Value { get; }
}

internal readonly struct Count1 : IBlockCount { public static int Value => 1; }
internal readonly struct Count2 : IBlockCount { public static int Value => 2; }
internal readonly struct Count3 : IBlockCount { public static int Value => 3; }
internal readonly struct Count4 : IBlockCount { public static int Value => 4; }
internal readonly struct Count5 : IBlockCount { public static int Value => 5; }
internal readonly struct Count6 : IBlockCount { public static int Value => 6; }
internal readonly struct Count7 : IBlockCount { public static int Value => 7; }
internal readonly struct Count8 : IBlockCount { public static int Value => 8; }
