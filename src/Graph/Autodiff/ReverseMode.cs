using Trainer.Graph.Ir;
using Trainer.Graph.Ops;

namespace Trainer.Graph.Autodiff;

/// <summary>
/// Reverse-mode differentiation over a tape in execution order, for any value type: eager tensors
/// or graph nodes. The same gradient rules (<see cref="OpDefinition.Gradient{T}(IOpBuilder{T}, Op, IReadOnlyList{T}, IReadOnlyList{T}, IReadOnlyList{T}, IReadOnlyList{bool})"/>) serve both.
/// </summary>
public static class ReverseMode
{
    /// <summary>
    /// d loss / d wrt for each wrt value. Values that do not influence the loss get a zero gradient.
    /// Only entries on a path from some wrt value to the loss are differentiated, and only the
    /// inputs on such a path get gradients, so no work is spent on, say, the input images.
    /// </summary>
    public static T[] Gradients<T>(IOpBuilder<T> b, IReadOnlyList<TapeEntry<T>> tape, T loss, IReadOnlyList<T> wrt)
        where T : class
    {
        var requiresGrad = new HashSet<T>(wrt, ReferenceEqualityComparer.Instance);
        foreach (var entry in tape)
            if (entry.Inputs.Any(requiresGrad.Contains))
                foreach (var output in entry.Outputs)
                    requiresGrad.Add(output);

        var lossType = b.TypeOf(loss);
        if (lossType.ElementCount != 1)
            throw new GraphCompileException($"the value differentiated must be a scalar, got {lossType}");

        var grads = new Dictionary<T, T>(ReferenceEqualityComparer.Instance)
        {
            [loss] = b.Apply(Op.Fill(1f, lossType.Shape)),
        };

        for (int e = tape.Count - 1; e >= 0; e--)
        {
            var entry = tape[e];
            if (!requiresGrad.Contains(entry.Output)) continue;
            T?[] inputGrads;
            if (entry.Outputs.Count == 1)
            {
                if (!grads.TryGetValue(entry.Output, out var dOut)) continue;
                var needed = entry.Inputs.Select(requiresGrad.Contains).ToArray();
                if (!needed.Any(x => x)) continue;
                inputGrads = OpRegistry.Get(entry.Op).Gradient(b, entry.Op, entry.Inputs, entry.Output, dOut, needed);
            }
            else
            {
                // Several outputs: the rule gets one gradient per output, zeros for those nothing flowed into.
                if (!entry.Outputs.Any(grads.ContainsKey)) continue;
                var needed = entry.Inputs.Select(requiresGrad.Contains).ToArray();
                if (!needed.Any(x => x)) continue;
                var dOuts = entry.Outputs.Select(o => grads.TryGetValue(o, out var g) ? g : b.Apply(Op.Fill(0f, b.TypeOf(o).Shape))).ToArray();
                inputGrads = OpRegistry.Get(entry.Op).Gradient(b, entry.Op, entry.Inputs, entry.Outputs, dOuts, needed);
            }
            for (int i = 0; i < entry.Inputs.Count; i++)
            {
                if (!requiresGrad.Contains(entry.Inputs[i]) || i >= inputGrads.Length || inputGrads[i] is not { } g) continue;
                var input = entry.Inputs[i];
                grads[input] = grads.TryGetValue(input, out var existing) ? b.Apply(Op.Of(OpKind.Add), existing, g) : g;
            }
        }

        return wrt.Select(w => grads.TryGetValue(w, out var g) ? g : b.Apply(Op.Fill(0f, b.TypeOf(w).Shape))).ToArray();
    }
}
