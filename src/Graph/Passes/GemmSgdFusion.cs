using Trainer.Graph.Analysis;
using Trainer.Graph.Ir;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Passes;

/// <summary>
/// SgdUpdate(P, MatMul(A, B), hyperparameters) becomes one MatMul(A, B, P, hyperparameters) with the
/// SGD epilogue that writes P ← P − lr·A·B in place, reading lr from the hyperparameter block when it runs: the GEMM that makes a weight's gradient applies it, so the gradient never goes to
/// memory and the update never reads it back (for the MLP, 2.7 MB written and read less per
/// step, and a pass over the weights saved). The arithmetic is the SGD kernel's, fl(P − fl(lr·g))
/// with g the same float32 GEMM result, so the step's bits do not change. Only fuses a plain
/// MatMul read by nothing else, whose operands are not P itself; the fused node keeps the update's
/// control edges, so it still runs after every read of P.
/// In a data-parallel step the update reads an AllReduce of the gradient, not the MatMul, so the
/// GEMM is never fused past the all-reduce (<see cref="GradientAllReduce"/>).
/// </summary>
internal sealed class GemmSgdFusion : IGraphPass
{
    public string Name => "gemm-sgd-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var users = graph.Users();
        foreach (var update in graph.Nodes.Where(n => n.Op.Kind == OpKind.SgdUpdate).ToList())
        {
            var mm = update.Inputs[1].Node;
            var parameter = BufferAliasing.StorageOf(update.Inputs[0]);
            if (mm.Op.Kind != OpKind.MatMul || mm.Op.Epilogue != 0 || update.Inputs[1].Index != 0 ||
                !FusionRules.OnlyReader(graph, users, mm, update) ||
                mm.Inputs.Any(v => BufferAliasing.StorageOf(v) == parameter))
                continue;
            var op = mm.Op with { Epilogue = GemmEpilogue.SgdFlag };
            FusionRules.Replace(graph, [mm, update], op, [mm.Inputs[0], mm.Inputs[1], update.Inputs[0], update.Inputs[2]], update);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
