using System.Globalization;
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

    /// <summary>Fill: the value; SgdUpdate and a MatMul with the SGD epilogue: the learning rate; SoftmaxCrossEntropyFused: the upstream gradient.</summary>
    public float Scalar { get; init; }

    /// <summary>The typed attributes of the ops that declare them (<see cref="OpAttributes"/>).</summary>
    public OpAttributes? Attributes { get; init; }

    /// <summary>Reshape: the target shape; Input/Parameter/Fill: the shape.</summary>
    public int[]? Shape { get; init; }

    /// <summary>Input and Parameter: the name users know it by.</summary>
    public string? Name { get; init; }

    /// <summary>An op of <paramref name="kind"/> with no attributes.</summary>
    public static Op Of(OpKind kind) => new() { Kind = kind };

    /// <summary>A matrix product, with A and/or B transposed.</summary>
    public static Op MatMul(bool transposeA, bool transposeB) => new() { Kind = OpKind.MatMul, TransposeA = transposeA, TransposeB = transposeB };

    /// <summary>A reshape to <paramref name="shape"/> (the element count must not change).</summary>
    public static Op Reshape(params int[] shape) => new() { Kind = OpKind.Reshape, Shape = shape };

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Op Fill(float value, params int[] shape) => new() { Kind = OpKind.Fill, Scalar = value, Shape = shape };

    /// <summary>Plain SGD of a parameter by its gradient, p ← p − lr·g, in place.</summary>
    public static Op Sgd(float learningRate) => new() { Kind = OpKind.SgdUpdate, Scalar = learningRate };

    /// <summary>SGD with momentum (MindSpore's ApplyMomentum) and optional weight decay, in place.</summary>
    public static Op MomentumSgd(float learningRate, float momentum, float weightDecay = 0) =>
        new() { Kind = OpKind.MomentumUpdate, Attributes = new MomentumAttributes(learningRate, momentum, weightDecay) };

    /// <summary>Adam (MindSpore's ApplyAdam) with optional weight decay, in place.</summary>
    public static Op Adam(float learningRate, float beta1, float beta2, float epsilon, float weightDecay = 0) =>
        new() { Kind = OpKind.AdamUpdate, Attributes = new AdamAttributes(learningRate, beta1, beta2, epsilon, weightDecay) };

    /// <summary>Advances Adam's two beta powers by one step, in place.</summary>
    public static Op BetaPowers(float beta1, float beta2) => new() { Kind = OpKind.AdamBetaPowers, Attributes = new BetaPowerAttributes(beta1, beta2) };

    /// <summary>The mean of a gradient over <paramref name="worldSize"/> data-parallel processes.</summary>
    public static Op AllReduce(int worldSize) => new() { Kind = OpKind.AllReduce, Attributes = new AllReduceAttributes(worldSize) };

    /// <summary>Equal when kind and every attribute are equal, the shape compared element by element (what CSE compares).</summary>
    public bool Equals(Op? other) =>
        other is not null && Kind == other.Kind && TransposeA == other.TransposeA && TransposeB == other.TransposeB &&
        Epilogue == other.Epilogue && Scalar.Equals(other.Scalar) && Equals(Attributes, other.Attributes) && Name == other.Name &&
        (Shape ?? []).AsSpan().SequenceEqual(other.Shape ?? []);

    /// <summary>A hash consistent with <see cref="Equals(Op)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Kind, TransposeA, TransposeB, Epilogue, Scalar, Attributes, Name, Shape?.Length ?? -1);

    /// <summary>The op as the printed IR shows it, e.g. <c>MatMul[nt,bias+relu]</c> or <c>Fill[1]</c>.</summary>
    public override string ToString()
    {
        var attrs = new List<string>();
        switch (Kind)
        {
            case OpKind.MatMul:
                attrs.Add($"{(TransposeA ? 't' : 'n')}{(TransposeB ? 't' : 'n')}");
                if (Epilogue != 0) attrs.Add(new GemmEpilogue(Epilogue).ToString());
                if ((Epilogue & GemmEpilogue.SgdFlag) != 0) attrs.Add("lr=" + Scalar.ToString("R", CultureInfo.InvariantCulture));
                break;
            case OpKind.Reshape:
                attrs.Add(Shape is null ? "?" : "[" + string.Join(",", Shape) + "]");
                break;
            case OpKind.Fill:
                attrs.Add(Scalar.ToString("R", CultureInfo.InvariantCulture));
                break;
            case OpKind.SgdUpdate:
            case OpKind.SgdUpdateMulti:
                attrs.Add("lr=" + Scalar.ToString("R", CultureInfo.InvariantCulture));
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
        return attrs.Count == 0 ? Kind.ToString() : $"{Kind}[{string.Join(",", attrs)}]";
    }
}
