using Trainer.Graph.Ir;

namespace Trainer.Graph.Passes;

/// <summary>
/// MatMul → BiasAdd (→ ReLU) becomes one MatMul whose epilogue adds the bias (and applies ReLU)
/// before storing: one launch instead of two or three, and no round trip through memory. Only
/// fuses when the intermediate results have no other reader.
/// </summary>
internal sealed class GemmEpilogueFusion : IGraphPass
{
    public string Name => "gemm-epilogue-fusion";

    public bool Run(Ir.Graph graph)
    {
        bool changed = false;
        var users = graph.Users();
        // A bias over a chosen axis (a channel bias) has no GEMM epilogue here: only the matrix form
        // fuses (ConvEpilogueFusion takes the channel bias of a convolution).
        foreach (var bias in graph.Nodes.Where(n => n.Op.Kind == OpKind.BiasAdd && n.Op.Attributes is null).ToList())
        {
            var mm = bias.Inputs[0].Node;
            if (mm.Op.Kind != OpKind.MatMul || mm.Op.Epilogue != 0 || !FusionRules.OnlyReader(graph, users, mm, bias)) continue;

            var (replaced, flags) = FusionRules.BiasReluChain(graph, users, mm, bias);
            FusionRules.Replace(graph, replaced, mm.Op with { Epilogue = flags }, [mm.Inputs[0], mm.Inputs[1], bias.Inputs[1]], replaced[^1]);
            users = graph.Users();
            changed = true;
        }
        return changed;
    }
}
