using System.Reflection;

namespace Trainer.Cli.Tests;

/// <summary>
/// The layers as built: Cli -> Training -> Graph -> Kernels, each assembly referencing only those below it.
/// The build refuses a wrong-way project reference (src/Directory.Build.targets); this reads what the
/// compiled assemblies actually reference, so a type that reached a library from above some other way fails too.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] Layers = ["Trainer.Kernels", "Trainer.Graph", "Trainer.Training", "trainer"];

    private static Assembly Load(string name) => name switch
    {
        "Trainer.Kernels" => typeof(Trainer.Kernels.Device.IKernelBackend).Assembly,
        "Trainer.Graph" => typeof(Trainer.Graph.Ir.TensorType).Assembly,
        "Trainer.Training" => typeof(Trainer.Training.Session).Assembly,
        _ => typeof(Trainer.Cli.Diagnostics.UserErrors).Assembly,
    };

    [Fact]
    public void Each_layer_references_only_the_layers_below_it()
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            var assembly = Load(Layers[layer]);
            Assert.Equal(Layers[layer], assembly.GetName().Name);
            var ours = assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(Layers.Contains).ToList();
            var above = ours.Where(name => Array.IndexOf(Layers, name) >= layer).ToList();
            Assert.True(above.Count == 0, $"{Layers[layer]} references {string.Join(", ", above)}, which is not below it");
        }
    }

    [Fact]
    public void The_command_references_the_libraries_its_diagnostics_use()
    {
        var references = Load("trainer").GetReferencedAssemblies().Select(r => r.Name).ToHashSet();
        Assert.Contains("Trainer.Training", references);
        Assert.Contains("Trainer.Graph", references);
        Assert.Contains("Trainer.Kernels", references);
    }
}
