using Trainer.Graph.Ir;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Tests.TestSupport;

/// <summary>
/// Optimizer hyperparameter blocks as the traced step has them: Input nodes (float32 [count]) that
/// the updates read. One block per distinct key, added to a graph the first time it is asked for, so
/// updates written with the same key share one block (and batch), and different keys do not.
/// </summary>
internal static class HyperparameterInputs
{
    public static Node Block(Ir.Graph g, string name, int count) =>
        g.Inputs.FirstOrDefault(n => n.Op.Name == name) ?? g.AddInput(name, TensorType.Float(count));

    public static Node Sgd(Ir.Graph g, string key = "") => Block(g, "sgd.hyperparameters(lr)" + key, HyperparameterLayout.SgdCount);

    public static Node Momentum(Ir.Graph g, string key = "") =>
        Block(g, "momentum.hyperparameters(lr,momentum,weight_decay)" + key, HyperparameterLayout.MomentumCount);

    public static Node Adam(Ir.Graph g, string key = "") =>
        Block(g, "adam.hyperparameters(lr,beta1,beta2,eps,weight_decay)" + key, HyperparameterLayout.AdamCount);
}
