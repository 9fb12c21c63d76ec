using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Graph.Analysis;

/// <summary>
/// Which memory each value lives in: alias ops (Reshape, Depend) share their input's memory, so
/// a value's storage is the value at the end of its alias chain.
/// </summary>
public static class BufferAliasing
{
    /// <summary>The value whose memory <paramref name="value"/> shares: itself, or the end of its chain of alias ops.</summary>
    public static Value StorageOf(Value value)
    {
        while (value.Index == 0 && OpRegistry.Get(value.Node.Op).IsAlias)
            value = value.Node.Inputs[0];
        return value;
    }

    /// <summary>For each node, the storages it writes in place (parameters updated by optimizers).</summary>
    public static IEnumerable<Value> WrittenStorages(Node node)
    {
        foreach (var i in OpRegistry.Get(node.Op).WrittenInputs(node.Op, node.Inputs.Count))
            yield return StorageOf(node.Inputs[i]);
    }

    /// <summary>The storages a node reads through its data inputs.</summary>
    public static IEnumerable<Value> ReadStorages(Node node) => node.Inputs.Select(StorageOf).Distinct();
}
