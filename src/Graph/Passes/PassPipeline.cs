using Trainer.Graph.Analysis;

namespace Trainer.Graph.Passes;

/// <summary>
/// The optimisation passes in order, in one place. Ordering (write-after-read edges) runs before
/// fusion so that fusion sees, and keeps, every hazard edge; the verifier can run between passes.
/// </summary>
internal sealed class PassPipeline
{
    private readonly IReadOnlyList<IGraphPass> passes;

    private PassPipeline(IReadOnlyList<IGraphPass> passes) => this.passes = passes;

    public IReadOnlyList<IGraphPass> Passes => passes;

    /// <summary>
    /// The standard pipeline; <paramref name="fuse"/> false leaves out every fusion (one kernel per primitive).
    /// A <paramref name="worldSize"/> above 1 adds <see cref="GradientAllReduce"/> before the ordering and every
    /// fusion, so it sees the plain updates and no fusion folds a gradient's producer into its update past the
    /// all-reduce; at 1 (one process) the pipeline is exactly the single-process one.
    /// </summary>
    public static PassPipeline Standard(bool fuse, int worldSize = 1)
    {
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");
        var list = new List<IGraphPass>
        {
            new DeadNodeElimination(),
            new CommonSubexpressionElimination(),
            new ReshapeCollapsing(),
        };
        if (worldSize > 1) list.Add(new GradientAllReduce(worldSize));
        list.Add(new WriteAfterReadOrdering());
        if (fuse)
        {
            list.Add(new GemmEpilogueFusion());
            list.Add(new ConvBatchNormFolding());
            list.Add(new ConvEpilogueFusion());
            list.Add(new ReluBackwardFusion());
            list.Add(new PoolReluBackwardFusion());
            list.Add(new SoftmaxCrossEntropyFusion());
            list.Add(new GemmSgdFusion());
            list.Add(new SgdUpdateBatching());
            list.Add(new MomentumUpdateBatching());
            list.Add(new AdamUpdateBatching());
        }
        list.Add(new DeadNodeElimination());
        return new PassPipeline(list);
    }

    /// <summary>Runs every pass once; with <paramref name="verify"/> checks the graph before the first and after each.</summary>
    public IReadOnlyList<(string Pass, bool Changed)> Run(Ir.Graph graph, bool verify)
    {
        var log = new List<(string, bool)>();
        bool ordered = false;
        if (verify) GraphVerifier.Verify(graph, checkHazards: false);
        foreach (var pass in passes)
        {
            bool changed = pass.Run(graph);
            ordered |= pass is WriteAfterReadOrdering;
            log.Add((pass.Name, changed));
            if (verify)
            {
                try
                {
                    GraphVerifier.Verify(graph, checkHazards: ordered);
                }
                catch (GraphCompileException e)
                {
                    throw new GraphCompileException($"after pass {pass.Name}: {e.Message}");
                }
            }
        }
        return log;
    }
}
