using System.Globalization;
using Trainer.Graph.Ops;
using Trainer.Kernels.Ops;

namespace Trainer.Graph.Ir;

/// <summary>
/// An operation and its attributes. Immutable and comparable by value, so common-subexpression
/// elimination can compare two nodes' ops directly.
/// </summary>
public sealed record Op
{
    /// <summary>Which operation this is.</summary>
    public required OpKind Kind { get; init; }

    /// <summary>MatMul: use A transposed / B transposed.</summary>
    public bool TransposeA { get; init; }
    /// <summary>MatMul: use B transposed.</summary>
    public bool TransposeB { get; init; }

    /// <summary>MatMul: what the kernel applies to each result (bias, ReLU, ReLU-backward mask).</summary>
    public int Epilogue { get; init; }

    /// <summary>Fill: the value; SoftmaxCrossEntropyFused: the upstream gradient. (Optimizer hyperparameters are no attributes: updates read them from a hyperparameter block input.)</summary>
    public float Scalar { get; init; }

    /// <summary>The typed attributes of the ops that declare them (<see cref="OpAttributes"/>).</summary>
    public OpAttributes? Attributes { get; init; }

    /// <summary>Reshape: the target shape; Input/Parameter/Fill: the shape.</summary>
    public int[]? Shape { get; init; }

    /// <summary>Input and Parameter: the name users know it by.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// <see cref="OpKind.Extension"/>: the op's definition (type rule, gradient, kernel), which the op carries instead of
    /// <see cref="OpRegistry"/> holding it; two ops are equal only with the same definition instance.
    /// </summary>
    public OpDefinition? Definition { get; init; }

    /// <summary>An op of <paramref name="definition"/> (which must be an <see cref="OpKind.Extension"/>) with its attributes.</summary>
    public static Op Extension(OpDefinition definition, OpAttributes? attributes = null) =>
        definition.Kind == OpKind.Extension
            ? new() { Kind = OpKind.Extension, Definition = definition, Attributes = attributes }
            : throw new ArgumentException($"{definition.Name} is the built-in {definition.Kind}, not an extension op", nameof(definition));

    /// <summary>An op of <paramref name="kind"/> with no attributes.</summary>
    public static Op Of(OpKind kind) => new() { Kind = kind };

    /// <summary>A matrix product, with A and/or B transposed.</summary>
    public static Op MatMul(bool transposeA, bool transposeB) => new() { Kind = OpKind.MatMul, TransposeA = transposeA, TransposeB = transposeB };

    /// <summary>A reshape to <paramref name="shape"/> (the element count must not change).</summary>
    public static Op Reshape(params int[] shape) => new() { Kind = OpKind.Reshape, Shape = shape };

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Op Fill(float value, params int[] shape) => new() { Kind = OpKind.Fill, Scalar = value, Shape = shape };

    /// <summary>SgdUpdate(param, grad, hyperparameters): the learning rate is the block's, read when the step runs.</summary>
    public static Op Sgd() => new() { Kind = OpKind.SgdUpdate };

    /// <summary>MomentumUpdate(param, accumulation, grad, hyperparameters): learning rate, momentum and weight decay are the block's.</summary>
    public static Op MomentumSgd() => new() { Kind = OpKind.MomentumUpdate };

    /// <summary>AdamUpdate(param, m, v, grad, beta1Power, beta2Power, hyperparameters): learning rate, betas, epsilon and weight decay are the block's.</summary>
    public static Op Adam() => new() { Kind = OpKind.AdamUpdate };

    /// <summary>AdamBetaPowers(beta1Power, beta2Power, hyperparameters): the betas are the block's.</summary>
    public static Op BetaPowers() => new() { Kind = OpKind.AdamBetaPowers };

    /// <summary>The mean of a gradient over <paramref name="worldSize"/> data-parallel processes.</summary>
    public static Op AllReduce(int worldSize) => new() { Kind = OpKind.AllReduce, Attributes = new AllReduceAttributes(worldSize) };

    /// <summary>Equal when kind and every attribute are equal, the shape compared element by element (what CSE compares).</summary>
    public bool Equals(Op? other) =>
        other is not null && Kind == other.Kind && TransposeA == other.TransposeA && TransposeB == other.TransposeB &&
        Epilogue == other.Epilogue && Scalar.Equals(other.Scalar) && Equals(Attributes, other.Attributes) && Name == other.Name &&
        ReferenceEquals(Definition, other.Definition) &&
        (Shape ?? []).AsSpan().SequenceEqual(other.Shape ?? []);

    /// <summary>A hash consistent with <see cref="Equals(Op?)"/>: the same for equal ops.</summary>
    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(Kind, TransposeA, TransposeB, Epilogue, Scalar, Attributes, Name, Shape?.Length ?? -1),
        Definition is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Definition));

    /// <summary>The op as the printed IR shows it, e.g. <c>MatMul[nt,bias+relu]</c> or <c>Fill[1]</c>.</summary>
    public override string ToString()
    {
        var attrs = new List<string>();
        switch (Kind)
        {
            case OpKind.MatMul:
                attrs.Add($"{(TransposeA ? 't' : 'n')}{(TransposeB ? 't' : 'n')}");
                if (Epilogue != 0) attrs.Add(new GemmEpilogue(Epilogue).ToString());
                break;
            case OpKind.Reshape:
                attrs.Add(Shape is null ? "?" : "[" + string.Join(",", Shape) + "]");
                break;
            case OpKind.Fill:
                attrs.Add(Scalar.ToString("R", CultureInfo.InvariantCulture));
                break;
            case OpKind.SoftmaxCrossEntropyFused:
                attrs.Add("dloss=" + Scalar.ToString("R", CultureInfo.InvariantCulture));
                break;
            case OpKind.Input:
            case OpKind.Parameter:
                attrs.Add(Name ?? "?");
                break;
        }
        if (Attributes is not null) attrs.Add(Attributes.Print());
        string name = Kind == OpKind.Extension ? Definition?.Name ?? "Extension" : Kind.ToString();
        return attrs.Count == 0 ? name : $"{name}[{string.Join(",", attrs)}]";
    }
}
