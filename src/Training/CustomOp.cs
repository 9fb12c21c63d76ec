using Trainer.Graph.Ir;

namespace Trainer.Training;

/// <summary>
/// An op defined outside the libraries, like candle's CustomOp or PyTorch's autograd.Function: a subclass gives the
/// output shapes, a forward on the native CPU backend over spans of float, and a gradient written with
/// <see cref="Ops"/> (which may call another custom op: a gradient as its own kernel). Calling it works eagerly and
/// in a compiled step, prints by its <see cref="Name"/> in the graph, and may return several tensors. The forward
/// must be a pure function of the inputs (a compiled step may merge two identical calls).
/// <para>Only the native CPU backend (<c>--device cpu</c>) runs a custom op's forward; on an ILGPU device, binding
/// it is a one-line <see cref="NotSupportedException"/>. (An ILGPU forward is not offered: it would put ILGPU types
/// in this public API, which the layering keeps below the Kernels library.)</para>
/// </summary>
public abstract class CustomOp
{
    private readonly CustomOpDefinition definition;

    /// <summary>A custom op called <paramref name="name"/> (letters, digits and underscores: it is printed in the graph).</summary>
    protected CustomOp(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"a custom op's name must be letters, digits and underscores, got '{name}'", nameof(name));
        Name = name;
        definition = new CustomOpDefinition(this);
    }

    /// <summary>The op's name, as the printed graph shows it.</summary>
    public string Name { get; }

    /// <summary>
    /// The shapes of the outputs (one or more) for inputs of <paramref name="inputShapes"/>, all float32. Throw an
    /// <see cref="ArgumentException"/> saying what is wrong when the inputs do not fit: the op's error names it and
    /// every input's shape.
    /// </summary>
    protected abstract int[][] OutputShapes(IReadOnlyList<int[]> inputShapes);

    /// <summary>Computes the outputs from the inputs on the native CPU backend, on the calling thread.</summary>
    protected abstract void Forward(CustomOpBuffers buffers);

    /// <summary>
    /// The gradients of the inputs (one per input, null where an input has none) from the inputs, the outputs and
    /// the gradient flowing into each output (zeros for an output nothing used), written with <see cref="Ops"/>. The
    /// default says the op is not differentiable.
    /// </summary>
    protected virtual Tensor?[] Backward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> outputGradients) =>
        throw new NotSupportedException($"custom op {Name} defines no Backward, but a gradient flows through it");

    internal int[][] ShapesFor(IReadOnlyList<int[]> inputShapes) => OutputShapes(inputShapes);

    internal void RunForward(CustomOpBuffers buffers) => Forward(buffers);

    internal Tensor?[] RunBackward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> outputGradients) =>
        Backward(inputs, outputs, outputGradients);

    /// <summary>Applies the op to <paramref name="inputs"/>: one tensor per output, eager or traced like the inputs.</summary>
    public Tensor[] Apply(params Tensor[] inputs)
    {
        if (inputs.Length == 0) throw new ArgumentException($"custom op {Name} needs at least one input", nameof(inputs));
        return Ops.ApplyMulti(Op.Extension(definition), inputs);
    }

    /// <summary>Applies an op with exactly one output.</summary>
    public Tensor Call(params Tensor[] inputs)
    {
        var outputs = Apply(inputs);
        return outputs.Length == 1 ? outputs[0] : throw new InvalidOperationException($"custom op {Name} has {outputs.Length} outputs; use Apply");
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
