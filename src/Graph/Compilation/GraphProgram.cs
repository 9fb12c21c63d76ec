using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Memory;
using Trainer.Graph.Ops;
using Trainer.Graph.Passes;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Compilation;

/// <summary>
/// Everything compilation decides before a device is involved: the optimised graph, its
/// schedule and its memory plan. <see cref="CompiledGraph"/> binds it to a device.
/// </summary>
public sealed class GraphProgram
{
    private GraphProgram(Ir.Graph graph, IReadOnlyList<Node> schedule, MemoryPlan memory, IReadOnlyList<(string, bool)> passLog, string? plannedFor)
    {
        PlannedFor = plannedFor;
        Graph = graph;
        Schedule = schedule;
        Memory = memory;
        PassLog = passLog;
    }

    /// <summary>The optimised graph.</summary>
    public Ir.Graph Graph { get; }
    /// <summary>The nodes in the order they run (deterministic: Kahn's algorithm, ties broken by node id).</summary>
    public IReadOnlyList<Node> Schedule { get; }
    internal MemoryPlan Memory { get; }
    /// <summary>Each pass the pipeline ran, in order, and whether it changed the graph.</summary>
    public IReadOnlyList<(string Pass, bool Changed)> PassLog { get; }

    /// <summary>The device whose kernel workspaces the memory plan holds (<see cref="Kernels.Device.DeviceDescription.Summary"/>); null: planned with no device, for the most any backend needs.</summary>
    public string? PlannedFor { get; }

    /// <summary>Kernel launches one run of the schedule makes.</summary>
    public int Launches => Schedule.Sum(n => OpRegistry.Get(n.Op).Launches);

    /// <summary>
    /// Optimises <paramref name="graph"/> in place, then schedules it and plans its memory, with the
    /// kernel workspaces <paramref name="backend"/> needs (with none given, the most any backend needs).
    /// </summary>
    public static GraphProgram Build(Ir.Graph graph, CompileOptions options, IKernelBackend? backend = null)
    {
        var log = PassPipeline.Standard(options.Fuse, options.WorldSize).Run(graph, options.Verify);
        GraphVerifier.Verify(graph);
        var schedule = TopologicalScheduler.Schedule(graph);
        var memory = MemoryPlanner.Plan(graph, schedule, backend);
        return new GraphProgram(graph, schedule, memory, log, backend?.Description.Summary);
    }
}
