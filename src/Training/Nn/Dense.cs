using Trainer.Graph.Ir;

namespace Trainer.Training.Nn;

/// <summary>
/// y = x·Wᵀ + b with W [out, in] row-major. W and b start U(−1/√in, 1/√in), which is what
/// MindSpore's HeUniform(√5) and PyTorch's Linear give, drawn from <see cref="GlobalSeed"/>.
/// </summary>
public sealed class Dense : Cell
{
    /// <summary>A fully connected layer from <paramref name="inChannels"/> to <paramref name="outChannels"/>, weights from the global seed.</summary>
    public Dense(int inChannels, int outChannels, bool hasBias = true)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"Dense({inChannels}, {outChannels}): sizes must be positive");
        InChannels = inChannels;
        OutChannels = outChannels;
        float bound = 1f / MathF.Sqrt(inChannels);
        Weight = RegisterParameter("weight", new Parameter("weight", TensorType.Float(outChannels, inChannels), GlobalSeed.Uniform(outChannels * inChannels, bound)));
        if (hasBias)
            Bias = RegisterParameter("bias", new Parameter("bias", TensorType.Float(outChannels), GlobalSeed.Uniform(outChannels, bound)));
    }

    /// <summary>Features of the input.</summary>
    public int InChannels { get; }
    /// <summary>Features of the output.</summary>
    public int OutChannels { get; }
    /// <summary>The weight, [out, in].</summary>
    public Parameter Weight { get; }
    /// <summary>The bias, [out]; null without one.</summary>
    public Parameter? Bias { get; }


    /// <summary>MindSpore's: <c>input_channels=784, output_channels=512, has_bias=True</c> (has_bias only when there is one).</summary>
    public override string ExtendRepr() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"input_channels={InChannels}, output_channels={OutChannels}") +
        (Bias is null ? "" : ", has_bias=True");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        var y = Ops.MatMul(x, Weight, transposeB: true);
        return Bias is null ? y : Ops.BiasAdd(y, Bias);
    }
}
