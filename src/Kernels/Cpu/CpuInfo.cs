using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Trainer.Kernels.Cpu;

/// <summary>What the processor is, for device descriptions and benchmark reports.</summary>
public static class CpuInfo
{
    private static readonly Lazy<string> Model = new(ReadModelName);

    /// <summary>The processor's model name (Linux: /proc/cpuinfo), or its architecture when unknown.</summary>
    public static string ModelName => Model.Value;

    /// <summary>The vector instruction sets the native kernels can use here, e.g. <c>AVX-512, AVX2, FMA</c>.</summary>
    public static string VectorIsa
    {
        get
        {
            var isa = new List<string>();
            if (Avx512F.IsSupported) isa.Add("AVX-512");
            if (Avx2.IsSupported) isa.Add("AVX2");
            if (Fma.IsSupported) isa.Add("FMA");
            if (AdvSimd.IsSupported) isa.Add("NEON");
            return isa.Count == 0 ? "no SIMD" : string.Join(", ", isa);
        }
    }

    private static string ReadModelName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
