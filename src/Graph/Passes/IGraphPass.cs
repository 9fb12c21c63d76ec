namespace Trainer.Graph.Passes;

/// <summary>One rewrite of the graph with one job; returns whether it changed anything.</summary>
internal interface IGraphPass
{
    string Name { get; }
    bool Run(Ir.Graph graph);
}
