using System.Diagnostics;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The native backend's convolutions at <see cref="Conv2dBenchmarks"/>' layers, each pass timed alone:
/// on 1 worker thread the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID, which a machine shared
/// with other work inflates far less than the wall clock), median and fastest of 40 calls after 5; on
/// 2 threads the wall-clock median and fastest. Run it against another build in turns to compare.
/// <c>dotnet run -c Release --project bench/Kernels.Bench -- --conv-probe</c>.
/// </summary>
internal static class ConvProbe
{
    private const int Warmup = 5, Calls = 40;

    public static int Run()
    {
        Console.WriteLine($"native conv2d, median (min) of {Calls} calls after {Warmup}, microseconds: 1 thread's CPU time, then 2 threads' wall time");
        Console.WriteLine($"{"layer",-14} {"pass",-15} {"1t cpu med",11} {"(min)",9} {"2t wall med",12} {"(min)",9}");
        using var one = new CpuBackend(1);
        using var two = new CpuBackend(2);
        foreach (string layer in Conv2dBenchmarks.Layers)
        {
            var s = Conv2dBenchmarks.ShapeOf(layer);
            using var d1 = new Buffers(one, s);
            using var d2 = new Buffers(two, s);
            foreach (string pass in new[] { "Forward", "BackwardData", "BackwardFilter" })
            {
                var (cpuMedian, cpuMin) = Time(() => d1.Run(pass), cpu: true);
                var (wallMedian, wallMin) = Time(() => d2.Run(pass), cpu: false);
                Console.WriteLine($"{layer,-14} {pass,-15} {cpuMedian,11:F1} {cpuMin,9:F1} {wallMedian,12:F1} {wallMin,9:F1}");
            }
        }
        return 0;
    }

    private static (double Median, double Min) Time(Action run, bool cpu)
    {
        for (int i = 0; i < Warmup; i++) run();
        var times = new double[Calls];
        var clock = new Stopwatch();
        for (int i = 0; i < Calls; i++)
        {
            double start = LeNetStepProbe.ThreadCpuMicroseconds();
            clock.Restart();
            run();
            times[i] = cpu ? LeNetStepProbe.ThreadCpuMicroseconds() - start : clock.Elapsed.TotalMicroseconds;
        }
        Array.Sort(times);
        return (times[Calls / 2], times[0]);
    }

    /// <summary>One layer's operands on one backend (uniform x, W and dy).</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly IKernelBackend backend;
        private readonly DeviceData data;
        private readonly DeviceBuffer x, w, y, dy, dx, dw, workspace;
        private readonly Conv2dShape shape;

        public Buffers(IKernelBackend backend, Conv2dShape shape)
        {
            this.backend = backend;
            this.shape = shape;
            data = new DeviceData(backend, seed: 8);
            x = data.Uniform((int)shape.InputCount);
            w = data.Uniform((int)shape.WeightCount);
            dy = data.Uniform((int)shape.OutputCount);
            y = data.Zeros((int)shape.OutputCount);
            dx = data.Zeros((int)shape.InputCount);
            dw = data.Zeros((int)shape.WeightCount);
            workspace = data.Zeros((int)shape.WorkspaceFloats);
        }

        public void Run(string pass)
        {
            switch (pass)
            {
                case "Forward": backend.Conv2d(x, w, null, y, shape, GemmEpilogue.None, workspace); break;
                case "BackwardData": backend.Conv2dBackwardData(dy, w, dx, shape, workspace); break;
                default: backend.Conv2dBackwardFilter(x, dy, dw, shape, workspace); break;
            }
            backend.Synchronize();
        }

        public void Dispose() => data.Dispose();
    }
}
