using System.Diagnostics;
using BenchmarkDotNet.Running;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ilgpu;

namespace Trainer.Kernels.Bench;

/// <summary>
/// <c>dotnet run -c Release -- --filter '*'</c> runs every benchmark (no arguments does the same);
/// any BenchmarkDotNet option works (<c>--filter '*Gemm*'</c>, <c>--list flat</c>, <c>--job default</c>).
/// <c>--probe</c> instead times each GEMM variant at each shape a few times with a stopwatch (no warm-up
/// beyond one call, so the CPU accelerator's first calls still run tier-0 JIT code).
/// <c>--conv-probe</c> times the native backend's convolution passes (<see cref="ConvProbe"/>).
/// The device comes from TRAINER_BENCH_DEVICE=cpu|cuda|opencl|auto (default auto).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            Console.WriteLine(BenchDevice.Describe());
            if (args.Contains("--probe")) return Probe();
            if (args.Contains("--native-probe")) return NativeProbe();
            if (args.Contains("--conv-probe")) return ConvProbe.Run();
            if (args.Contains("--lenet-probe"))
            {
                LeNetStepProbe.Cold = args.Contains("--cold");
                return LeNetStepProbe.Run();
            }
            if (args.Length == 0) args = ["--filter", "*"];
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create());
            return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }
        catch (Exception e) when (e is DeviceNotAvailableException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>The native GEMM at every shape on 1 and 2 threads: the median of 200 calls after 20 warm-up calls, in GFLOP/s.</summary>
    private static int NativeProbe()
    {
        foreach (int threads in new[] { 1, 2 })
        {
            foreach (string shape in GemmShapes.All)
            {
                var bench = new NativeGemmBenchmarks { Shape = shape, Threads = threads };
                bench.Setup();
                for (int i = 0; i < 20; i++) bench.Native();
                var times = new double[200];
                var clock = new Stopwatch();
                for (int i = 0; i < times.Length; i++)
                {
                    clock.Restart();
                    bench.Native();
                    times[i] = clock.Elapsed.TotalMilliseconds;
                }
                bench.Cleanup();
                Array.Sort(times);
                double median = times[times.Length / 2];
                Console.WriteLine($"native {threads} thread(s)  {shape,-14}  median {median * 1000,9:F1} us  {GemmShapes.Parse(shape).Flops / median / 1e6,8:F1} GFLOP/s");
            }
        }
        return 0;
    }

    /// <summary>A quick look without BenchmarkDotNet: the median of 5 timed calls after one warm-up call.</summary>
    private static int Probe()
    {
        foreach (var variant in BenchDevice.GemmVariants)
        {
            foreach (string shape in GemmShapes.All)
            {
                var bench = new GemmBenchmarks { Shape = shape };
                var clock = Stopwatch.StartNew();
                bench.Setup(variant);
                double setup = clock.Elapsed.TotalMilliseconds;
                var times = new List<double>();
                for (int i = 0; i < 5; i++)
                {
                    clock.Restart();
                    bench.Run();
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    if (clock.Elapsed.TotalSeconds > 3) break;
                }
                bench.Cleanup();
                times.Sort();
                double median = times[times.Count / 2];
                Console.WriteLine($"{variant,-16} {shape,-14} setup {setup,8:F0} ms  median {median,10:F3} ms  {GemmShapes.Parse(shape).Flops / median / 1e6,8:F2} GFLOP/s  ({times.Count} calls)");
            }
        }
        return 0;
    }
}
