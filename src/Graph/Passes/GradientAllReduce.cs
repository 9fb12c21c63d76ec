using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// Data parallelism inside the graph: every gradient an optimizer update reads goes through one
/// <see cref="OpKind.AllReduce"/> first, so each process updates its parameters with the mean of
/// all processes' gradients. The update reads the AllReduce's output, a buffer of its own: the
/// gradient is never written in place, so no other reader of it needs a write-after-read edge.
/// <para>
/// One AllReduce node for all of the step's distinct gradients (two updates of one gradient share
/// its output), so one collective a step: the gradients go in the order they were made (producer
/// node id), the same on every process, and the collective's layout is written in the IR.
/// </para>
/// <para>
/// Runs before the fusion and batching passes: it recognises only the plain updates (SgdUpdate,
/// MomentumUpdate, AdamUpdate) and refuses the fused forms. Once the gradient of an SgdUpdate is an
/// AllReduce's output, <see cref="GemmSgdFusion"/> no longer sees the MatMul that made it, so the
/// weight-gradient GEMM is never folded into the update past the all-reduce.
/// </para>
/// </summary>
internal sealed class GradientAllReduce : IGraphPass
{
    private readonly int worldSize;

    public GradientAllReduce(int worldSize)
    {
        if (worldSize < 2) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "an all-reduce needs at least 2 processes; with 1 the pass must not run");
        this.worldSize = worldSize;
    }

    public string Name => "gradient-all-reduce";

    /// <summary>The index of the gradient among a plain update's inputs, or -1 for a node that is no update.</summary>
    private static int GradientIndex(Node node) => node.Op switch
    {
        { Kind: OpKind.SgdUpdate, Epilogue: 0 } => 1,
        { Kind: OpKind.MomentumUpdate } => 2,
        { Kind: OpKind.AdamUpdate } => 3,
        { Kind: OpKind.SgdUpdateMulti or OpKind.MomentumUpdateMulti or OpKind.AdamUpdateMulti } =>
            throw new GraphCompileException($"{node}: the gradient all-reduce must run before update batching, which it found already done"),
        { Kind: OpKind.MatMul } when new Kernels.Ops.GemmEpilogue(node.Op.Epilogue).HasSgd =>
            throw new GraphCompileException($"{node}: the gradient all-reduce must run before GEMM+SGD fusion, which folded a gradient into its update"),
        _ => -1,
    };

    public bool Run(Ir.Graph graph)
    {
        var sites = new List<(Node Update, int Index)>();
        foreach (var node in graph.Nodes)
        {
            int index = GradientIndex(node);
            if (index >= 0 && node.Inputs[index].Node.Op.Kind != OpKind.AllReduce) sites.Add((node, index));
        }
        if (sites.Count == 0) return false;

        var gradients = sites.Select(s => s.Update.Inputs[s.Index]).Distinct().OrderBy(v => v.Node.Id).ThenBy(v => v.Index).ToArray();
        var allReduce = graph.Add(Op.AllReduce(worldSize), gradients);
        var reduced = gradients.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => new Value(allReduce, p.i));
        foreach (var (update, index) in sites)
            update.Inputs[index] = reduced[update.Inputs[index]];
        return true;
    }
}
