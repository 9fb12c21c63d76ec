using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Graph.Passes;
using Trainer.Graph.Tests.TestSupport;

namespace Trainer.Graph.Tests.Passes;

public class PassPipelineTests
{
    public static TheoryData<int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var size in new[] { 1, 7, 63, 65, 257 })
            foreach (var seed in new[] { 21, 22 })
                foreach (var fuse in new[] { true, false })
                    data.Add(size, seed, fuse);
        return data;
    }

    /// <summary>A random DAG plus one SgdUpdate per parameter (gradient: a Relu of some value of its shape), unordered against its readers.</summary>
    private static Ir.Graph WithUpdates(int size, int seed)
    {
        var graph = RandomDags.Build(size, seed, outputs: Math.Max(1, size / 10));
        var rng = new Random(seed * 7 + 1);
        foreach (var p in graph.Parameters.ToList())
        {
            var candidates = graph.Nodes.Where(n => n.Outputs.Length == 1 && n.Type.Equals(p.Type)).ToList();
            var grad = graph.Add(Op.Of(OpKind.Relu), candidates[rng.Next(candidates.Count)]);
            graph.Add(Op.Sgd(), p, grad, HyperparameterInputs.Sgd(graph, "@0.125f"));
        }
        return graph;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StandardPipelineKeepsRandomGraphsValid(int size, int seed, bool fuse)
    {
        var graph = WithUpdates(size, seed);
        int parameters = graph.Parameters.Count();
        var outputs = graph.Outputs.Select(o => o.Name).ToList();

        var log = PassPipeline.Standard(fuse).Run(graph, verify: true);

        Assert.Equal(PassPipeline.Standard(fuse).Passes.Select(p => p.Name), log.Select(l => l.Pass));
        GraphVerifier.Verify(graph);
        var schedule = TopologicalScheduler.Schedule(graph);
        Assert.Equal(graph.Nodes.Count, schedule.Count);
        Assert.Equal(outputs, graph.Outputs.Select(o => o.Name));
        Assert.Equal(parameters, graph.Parameters.Count());
        // Every parameter is still written exactly once.
        var written = graph.Nodes.SelectMany(BufferAliasing.WrittenStorages).Select(v => v.Node).ToList();
        Assert.Equal(parameters, written.Count);
        Assert.True(graph.Parameters.ToHashSet().SetEquals(written));
        if (fuse && parameters > 1) Assert.Single(graph.Nodes, n => n.Op.Kind == OpKind.SgdUpdateMulti);
    }

    [Fact]
    public void StandardPipelineLists()
    {
        Assert.Equal(
            ["dead-node-elimination", "common-subexpression-elimination", "reshape-collapsing", "write-after-read-ordering",
             "gemm-epilogue-fusion", "conv-batchnorm-folding", "conv-epilogue-fusion", "relu-backward-fusion", "pool-relu-backward-fusion", "softmax-cross-entropy-fusion", "gemm-sgd-fusion", "sgd-update-batching", "momentum-update-batching", "adam-update-batching", "dead-node-elimination"],
            PassPipeline.Standard(fuse: true).Passes.Select(p => p.Name));
        Assert.Equal(
            ["dead-node-elimination", "common-subexpression-elimination", "reshape-collapsing", "write-after-read-ordering", "dead-node-elimination"],
            PassPipeline.Standard(fuse: false).Passes.Select(p => p.Name));
    }
}
