using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Trainer.Kernels.Bench;

/// <summary>
/// GFLOP/s = 2·M·N·K / mean time, for benchmarks that do one GEMM: M, N, K come from a
/// <c>Shape</c> parameter (<see cref="GemmShapes.Parse"/>) or a <see cref="GemmFlopsAttribute"/>
/// on the method; for a convolution (a <c>Layer</c> parameter) 2 flops per multiply-add of its
/// forward pass, which each gradient also does. Other benchmarks show "-".
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2·M·N·K floating-point operations of the GEMM divided by the mean time";

    public static long? Flops(BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Shape")?.Value is string shape)
            return GemmShapes.Parse(shape).Flops;
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Layer")?.Value is string layer)
            return 2 * Conv2dBenchmarks.ShapeOf(layer).MultiplyAdds;
        return benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<GemmFlopsAttribute>()?.Flops;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var flops = Flops(benchmarkCase);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // nanoseconds
        if (flops is null || mean is not > 0) return "-";
        return (flops.Value / mean.Value).ToString("F2", CultureInfo.InvariantCulture); // flop/ns = GFLOP/s
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}
