using System.Diagnostics;
using System.Runtime.InteropServices;
using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Bench;

/// <summary>
/// Where a LeNet-5 training step's time goes on the native CPU backend: every launch of the fused
/// graph-mode step at batch 64 (the order `trainer graph --model lenet --optimizer momentum --stage
/// scheduled` prints), each timed alone as the median of many calls, on 1 and 2 worker threads:
/// wall time, and on 1 thread also the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which a
/// machine shared with other work inflates far less than the wall clock.
/// <c>dotnet run -c Release --project bench/Kernels.Bench -- --lenet-probe</c>.
/// </summary>
internal static class LeNetStepProbe
{
    public static int Run()
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var backend = new CpuBackend(threads);
            using var data = new DeviceData(backend, seed: 3);
            var ops = Launches(backend, data);
            double total = 0;
            double cpuTotal = 0;
            Console.WriteLine($"LeNet-5 step, batch 64, native CPU, {threads} thread(s): median of 200 calls after 20, microseconds (wall{(threads == 1 ? ", thread CPU" : "")})");
            foreach (var (name, run) in ops)
            {
                for (int i = 0; i < 20; i++) run();
                var times = new double[200];
                var cpu = new double[200];
                var clock = new Stopwatch();
                for (int i = 0; i < times.Length; i++)
                {
                    if (Cold) Evict();
                    double cpuStart = ThreadCpuMicroseconds();
                    clock.Restart();
                    run();
                    times[i] = clock.Elapsed.TotalMicroseconds;
                    cpu[i] = ThreadCpuMicroseconds() - cpuStart;
                }
                Array.Sort(times);
                Array.Sort(cpu);
                total += times[100];
                cpuTotal += cpu[100];
                Console.WriteLine($"  {name,-44} {times[100],9:F1}" + (threads == 1 ? $" {cpu[100],9:F1}" : ""));
            }
            Console.WriteLine($"  {"sum",-44} {total,9:F1}" + (threads == 1 ? $" {cpuTotal,9:F1}" : ""));
        }
        return 0;
    }

    /// <summary>With --cold, each timed call follows a sweep over 64 MiB, so it starts with its data out of the caches, as in a training step.</summary>
    public static bool Cold;
    private static readonly float[] Sweep = new float[16 << 20];

    private static void Evict()
    {
        var span = Sweep.AsSpan();
        for (int i = 0; i < span.Length; i += 16) span[i] += 1f;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>The calling thread's CPU time (Linux CLOCK_THREAD_CPUTIME_ID); NaN where it cannot be read.</summary>
    internal static double ThreadCpuMicroseconds() =>
        OperatingSystem.IsLinux() && ClockGetTime(3, out var t) == 0 ? t.Seconds * 1e6 + t.Nanoseconds / 1e3 : double.NaN;

    private static List<(string Name, Action Run)> Launches(CpuBackend b, DeviceData d)
    {
        const int n = 64;
        var c1 = new Conv2dShape(n, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2);
        var c2 = new Conv2dShape(n, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0);
        var p1 = new Pool2dShape(n, 6, 28, 28, 2, 2, 2, 2);
        var p2 = new Pool2dShape(n, 16, 10, 10, 2, 2, 2, 2);
        var x = d.Uniform(n * 784);
        var w1 = d.Uniform(150); var b1 = d.Uniform(6); var w2 = d.Uniform(2400); var b2 = d.Uniform(16);
        var ws = d.Zeros((int)Math.Max(b.Conv2dWorkspaceBytes(c1), b.Conv2dWorkspaceBytes(c2)) / 4 + 1);
        var y1 = d.Zeros((int)c1.OutputCount); var h1 = d.Zeros((int)p1.OutputCount);
        var y2 = d.Zeros((int)c2.OutputCount); var h2 = d.Zeros((int)p2.OutputCount);
        var g1 = d.Uniform((int)c1.OutputCount); var g2 = d.Uniform((int)c2.OutputCount);
        var dh1 = d.Uniform((int)p1.OutputCount); var dh2 = d.Uniform((int)p2.OutputCount);
        var dx1 = d.Zeros((int)c2.InputCount); var dw1 = d.Zeros(150); var dw2 = d.Zeros(2400);
        var db1 = d.Zeros(6); var db2 = d.Zeros(16);
        var f1 = d.Uniform(120 * 400); var f2 = d.Uniform(84 * 120); var f3 = d.Uniform(10 * 84);
        var a1 = d.Zeros(n * 120); var a2 = d.Zeros(n * 84); var a3 = d.Zeros(n * 10);
        var fb1 = d.Uniform(120); var fb2 = d.Uniform(84); var fb3 = d.Uniform(10);
        var da3 = d.Uniform(n * 10); var da2 = d.Zeros(n * 84); var da1 = d.Zeros(n * 120); var dflat = d.Zeros(n * 400);
        var gf1 = d.Zeros(120 * 400); var gf2 = d.Zeros(84 * 120); var gf3 = d.Zeros(10 * 84);
        var relu = new GemmEpilogue(GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag);
        return
        [
            ("conv1 forward (bias+relu)", () => b.Conv2d(x, w1, b1, y1, c1, relu, ws)),
            ("pool1 forward", () => b.MaxPool2d(y1, h1, p1)),
            ("conv2 forward (bias+relu)", () => b.Conv2d(h1, w2, b2, y2, c2, relu, ws)),
            ("pool2 forward", () => b.MaxPool2d(y2, h2, p2)),
            ("fc1..fc3 forward (3 GEMMs)", () =>
            {
                b.Gemm(h2, f1, a1, GemmShape.For(n, 120, 400, false, true), relu, fb1, null);
                b.Gemm(a1, f2, a2, GemmShape.For(n, 84, 120, false, true), relu, fb2, null);
                b.Gemm(a2, f3, a3, GemmShape.For(n, 10, 84, false, true), new GemmEpilogue(GemmEpilogue.BiasFlag), fb3, null);
            }),
            ("dense backward (6 GEMMs + 3 column sums)", () =>
            {
                b.Gemm(da3, a2, gf3, GemmShape.For(10, 84, n, true, false), GemmEpilogue.None, null, null);
                b.Gemm(da3, f3, da2, GemmShape.For(n, 84, 10, false, false), GemmEpilogue.None, null, null);
                b.Gemm(da2, a1, gf2, GemmShape.For(84, 120, n, true, false), GemmEpilogue.None, null, null);
                b.Gemm(da2, f2, da1, GemmShape.For(n, 120, 84, false, false), GemmEpilogue.None, null, null);
                b.Gemm(da1, f1, dflat, GemmShape.For(n, 400, 120, false, false), GemmEpilogue.None, null, null);
                b.Gemm(da1, h2, gf1, GemmShape.For(120, 400, n, true, false), GemmEpilogue.None, null, null);
                b.ColumnSum(da3, db1, n, 6); b.ColumnSum(da2, db1, n, 6); b.ColumnSum(da1, db1, n, 6);
            }),
            ("pool2 backward", () => b.MaxPool2dBackward(y2, dh2, g2, p2)),
            ("relu2 backward", () => b.ReluBackward(g2, y2, g2, (int)c2.OutputCount)),
            ("conv2 bias gradient (channel sum)", () => b.ChannelSum(g2, db2, n, 16, 100)),
            ("conv2 data gradient", () => b.Conv2dBackwardData(g2, w2, dx1, c2, ws)),
            ("conv2 filter gradient", () => b.Conv2dBackwardFilter(h1, g2, dw2, c2, ws)),
            ("pool1 backward", () => b.MaxPool2dBackward(y1, dh1, g1, p1)),
            ("relu1 backward", () => b.ReluBackward(g1, y1, g1, (int)c1.OutputCount)),
            ("conv1 bias gradient (channel sum)", () => b.ChannelSum(g1, db1, n, 6, 784)),
            ("conv1 filter gradient", () => b.Conv2dBackwardFilter(x, g1, dw1, c1, ws)),
        ];
    }
}
