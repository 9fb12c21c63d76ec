using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Trainer.Kernels.Bench;

/// <summary>
/// The default configuration: short enough that the whole suite finishes in a few minutes on a
/// two-core machine with ILGPU's CPU accelerator.
/// <list type="bullet">
/// <item>In-process toolchain: no generated project to build and no process per case, and every
/// case's setup compiles its kernels (a second or two) in the one process.</item>
/// <item>2 warm-up and 5 measured iterations of about 200 ms, overhead evaluation off (every
/// operation here costs tens of microseconds or more, so the ~1 ns call overhead is noise).</item>
/// <item>On the CPU accelerator the tiled GEMM runs only at <see cref="GemmShapes.TiledOnCpu"/>.</item>
/// </list>
/// Command-line options (--filter, --job, --iterationCount, …) add to or override this, e.g.
/// <c>--job default</c> for BenchmarkDotNet's full-length, out-of-process job.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create()
    {
        var job = Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: false))
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(200))
            .WithEvaluateOverhead(false)
            .WithId("Short");

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddColumn(new GflopsColumn())
            .HideColumns(Column.Job, Column.Toolchain, Column.IterationCount, Column.WarmupCount, Column.LaunchCount,
                Column.IterationTime, Column.EvaluateOverhead)
            .AddFilter(new SimpleFilter(Keep))
            .WithOptions(ConfigOptions.DisableLogFile);
    }

    /// <summary>
    /// Drops the GEMM variants a device cannot run or that would take too long: register-blocked
    /// off the CPU accelerator, tiled on it except at <see cref="GemmShapes.TiledOnCpu"/>.
    /// </summary>
    private static bool Keep(BenchmarkDotNet.Running.BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.Type != typeof(GemmBenchmarks)) return true;
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (method == nameof(GemmBenchmarks.RegisterBlocked)) return BenchDevice.IlgpuIsCpu;
        if (method == nameof(GemmBenchmarks.Tiled) && BenchDevice.IlgpuIsCpu)
            return benchmarkCase.Parameters["Shape"] is GemmShapes.TiledOnCpu;
        return true;
    }
}
