using Trainer.Graph.Ir;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Passes;

/// <summary>
/// ReluGrad(MatMul(dY, W), y) becomes MatMul(dY, W) with a mask epilogue: the GEMM that produces a
/// layer's input gradient zeroes it where the layer's ReLU output was not positive, in the same launch.
/// </summary>
internal sealed class ReluBackwardFusion : IGraphPass
{
    public string Name => "relu-backward-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var users = graph.Users();
        foreach (var grad in graph.Nodes.Where(n => n.Op.Kind == OpKind.ReluGrad).ToList())
        {
            var mm = grad.Inputs[0].Node;
            if (mm.Op.Kind != OpKind.MatMul || grad.Inputs[1].Node == mm || (mm.Op.Epilogue & GemmEpilogue.MaskFlag) != 0 ||
                (mm.Op.Epilogue & GemmEpilogue.ReluFlag) != 0 || !FusionRules.OnlyReader(graph, users, mm, grad))
                continue;
            var inputs = mm.Inputs.Append(grad.Inputs[1]).ToArray();
            FusionRules.Replace(graph, [mm, grad], mm.Op with { Epilogue = mm.Op.Epilogue | GemmEpilogue.MaskFlag }, inputs, grad);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
