using Trainer.Graph.Autodiff;
using Trainer.Graph.Ir;

namespace Trainer.Graph.Tests.TestSupport;

/// <summary>The small models the tests trace by hand with the Graph API.</summary>
internal static class TestModels
{
    public const float LearningRate = 0.5f;

    /// <summary>The nodes of the hand-built MLP training step, for assertions.</summary>
    internal sealed record Mlp(
        Ir.Graph Graph, Node Data, Node Label, Node Flat,
        Node W1, Node B1, Node Mm1, Node Bias1, Node Relu1,
        Node W2, Node B2, Node Mm2, Node Logits, Node Loss,
        Node[] Parameters, Node[] Gradients, Node[] Updates, Node Result);

    /// <summary>
    /// A 2-layer MLP training step, traced the way the trainer traces its reference model:
    /// data [4,1,2,3] float32 and label [4] int32; Reshape to [4,6]; Dense 6→5 (MatMul[nt] +
    /// BiasAdd + Relu); Dense 5→3 (MatMul[nt] + BiasAdd); SoftmaxCrossEntropy; gradients of the
    /// four parameters; one SgdUpdate (lr 0.5) per parameter; the loss returned through a
    /// Depend whose control inputs are all the updates. <paramref name="optimizer"/> replaces the
    /// SGD updates: given the graph, the parameters and their gradients it adds the step's effects
    /// (<see cref="MomentumStep"/>, <see cref="AdamStep"/>).
    /// </summary>
    public static Mlp TrainingStep(Func<Ir.Graph, Node[], Node[], Node[]>? optimizer = null)
    {
        var g = new Ir.Graph();
        var data = g.AddInput("data", TensorType.Float(4, 1, 2, 3));
        var label = g.AddInput("label", TensorType.Int(4));
        var flat = g.Add(Op.Reshape(4, -1), data);
        var w1 = g.AddParameter("fc1.weight", TensorType.Float(5, 6));
        var mm1 = g.Add(Op.MatMul(false, true), flat, w1);
        var b1 = g.AddParameter("fc1.bias", TensorType.Float(5));
        var bias1 = g.Add(Op.Of(OpKind.BiasAdd), mm1, b1);
        var relu1 = g.Add(Op.Of(OpKind.Relu), bias1);
        var w2 = g.AddParameter("fc2.weight", TensorType.Float(3, 5));
        var mm2 = g.Add(Op.MatMul(false, true), relu1, w2);
        var b2 = g.AddParameter("fc2.bias", TensorType.Float(3));
        var logits = g.Add(Op.Of(OpKind.BiasAdd), mm2, b2);
        var loss = g.Add(Op.Of(OpKind.SoftmaxCrossEntropy), logits, label);

        Node[] parameters = [w1, b1, w2, b2];
        var grads = GraphAutodiff.Gradients(g, loss, parameters);
        var updates = optimizer?.Invoke(g, parameters, grads) ??
                      parameters.Select((p, i) => g.Add(Op.Sgd(), p, grads[i], HyperparameterInputs.Sgd(g))).ToArray();
        var result = g.Add(Op.Of(OpKind.Depend), loss);
        result.ControlInputs.AddRange(updates);
        g.Outputs.Add(("loss", result));
        return new Mlp(g, data, label, flat, w1, b1, mm1, bias1, relu1, w2, b2, mm2, logits, loss, parameters, grads, updates, result);
    }

    /// <summary>Momentum updates (lr 0.5, momentum 0.9), one accumulation parameter <c>moments.*</c> per parameter.</summary>
    public static Node[] MomentumStep(Ir.Graph g, Node[] parameters, Node[] grads) =>
        parameters.Select((p, i) => g.Add(Op.MomentumSgd(), p,
            g.AddParameter("moments." + p.Op.Name, p.Type), grads[i], HyperparameterInputs.Momentum(g))).ToArray();

    /// <summary>Adam updates reading shared beta powers, then the powers' advance: MindSpore's nn.Adam step.</summary>
    public static Node[] AdamStep(Ir.Graph g, Node[] parameters, Node[] grads)
    {
        var b1 = g.AddParameter("beta1_power", TensorType.Float(1));
        var b2 = g.AddParameter("beta2_power", TensorType.Float(1));
        var updates = parameters.Select((p, i) => g.Add(Op.Adam(), p,
            g.AddParameter("moment1." + p.Op.Name, p.Type), g.AddParameter("moment2." + p.Op.Name, p.Type), grads[i], b1, b2, HyperparameterInputs.Adam(g))).ToArray();
        return [.. updates, g.Add(Op.BetaPowers(), b1, b2, HyperparameterInputs.Adam(g))];
    }
}
