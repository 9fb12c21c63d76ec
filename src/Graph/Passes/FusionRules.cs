using Trainer.Graph.Ir;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Passes;

/// <summary>What every fusion pass needs: when a value may disappear, and how to swap nodes for a fused one.</summary>
internal static class FusionRules
{
    /// <summary>
    /// True when <paramref name="consumer"/> is the only reader of <paramref name="producer"/>'s data
    /// and it is not a step output. Control edges on the producer may exist: they move to the fused
    /// node, which runs no earlier, and the verifier rejects the result if that closes a cycle.
    /// </summary>
    public static bool OnlyReader(Ir.Graph graph, Dictionary<Node, List<(Node Consumer, int Index)>> users, Node producer, Node consumer) =>
        users[producer].All(u => u.Consumer == consumer) &&
        graph.Outputs.All(o => o.Value.Node != producer);

    /// <summary>
    /// The epilogue a producer can absorb from <paramref name="bias"/>, a BiasAdd that is the
    /// producer's only reader: the bias, and the ReLU after it when that ReLU is the bias's only
    /// reader. Returns the nodes to replace (producer first) and the epilogue's flags.
    /// </summary>
    public static (Node[] Replaced, int Flags) BiasReluChain(Ir.Graph graph, Dictionary<Node, List<(Node Consumer, int Index)>> users, Node producer, Node bias)
    {
        var biasUsers = users[bias];
        if (biasUsers.Count == 1 && biasUsers[0].Consumer.Op.Kind == OpKind.Relu && OnlyReader(graph, users, bias, biasUsers[0].Consumer))
            return ([producer, bias, biasUsers[0].Consumer], GemmEpilogue.BiasFlag | GemmEpilogue.ReluFlag);
        return ([producer, bias], GemmEpilogue.BiasFlag);
    }

    /// <summary>
    /// Puts a new node in place of <paramref name="replaced"/>: it takes their control inputs, and
    /// every read of <paramref name="resultOf"/> (and control edge on any replaced node) moves to it.
    /// </summary>
    public static Node Replace(Ir.Graph graph, IReadOnlyList<Node> replaced, Op op, IReadOnlyList<Value> inputs, Node resultOf)
    {
        var fused = graph.CreateDetached(op, inputs);
        // Inserted where the last replaced node was: everything the replaced nodes read is defined
        // before it, so the node list stays in data order and prints readably.
        graph.InsertBefore(replaced[^1], fused);
        foreach (var r in replaced)
        {
            fused.ControlInputs.AddRange(r.ControlInputs.Where(c => c != fused && !replaced.Contains(c) && !fused.ControlInputs.Contains(c)));
            fused.FusedFrom.AddRange(r.FusedFrom.Count > 0 ? r.FusedFrom : [r.Id]);
            graph.ReplaceControlUses(r, fused);
        }
        fused.ControlInputs.Remove(fused);
        for (int o = 0; o < resultOf.Outputs.Length; o++)
            graph.ReplaceUses(new Value(resultOf, o), new Value(fused, o));
        var gone = replaced.ToHashSet();
        graph.RemoveAll(gone.Contains);
        return fused;
    }
}
