using System.Globalization;
using Trainer.Graph.Ir;

namespace Trainer.Training.Nn;

/// <summary>
/// MindSpore's <c>nn.Conv2d(in_channels, out_channels, kernel_size, stride, pad_mode='pad', padding, has_bias)</c>
/// over NCHW input with an OIHW weight [out, in/group, k, k], with MindSpore's <c>dilation</c> and <c>group</c> (group = in is
/// depthwise). Weight and bias start U(−1/√fan_in, 1/√fan_in), fan_in = (in/group)·k·k (PyTorch's default, MindSpore's HeUniform(√5)), drawn from
/// <see cref="GlobalSeed"/>. The bias, as in MindSpore, is off unless asked for.
/// </summary>
public sealed class Conv2d : Cell
{
    /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> with a square <paramref name="kernelSize"/> kernel, weights from the global seed.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool hasBias = false)
        : this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, hasBias)
    {
    }

    /// <summary>
    /// A convolution whose taps are <paramref name="dilation"/> apart and whose channels split into <paramref name="group"/>
    /// groups (both channel counts divisible by it); dilation 1 and group 1 is the convolution above, on the tuned kernels.
    /// </summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int group, bool hasBias = false)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0 || dilation <= 0 || group <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), string.Create(CultureInfo.InvariantCulture,
                $"Conv2d({inChannels}, {outChannels}, kernel {kernelSize}, stride {stride}, padding {padding}): channels, kernel and stride must be positive, padding non-negative")
                + (dilation == 1 && group == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" (dilation {dilation}, group {group}: both positive)")));
        if (inChannels % group != 0 || outChannels % group != 0)
            throw new ArgumentOutOfRangeException(nameof(group), string.Create(CultureInfo.InvariantCulture,
                $"Conv2d({inChannels}, {outChannels}, group {group}): both channel counts must be divisible by the group count"));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Group = group;
        int perGroup = inChannels / group;
        float bound = 1f / MathF.Sqrt(perGroup * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", new Parameter("weight", TensorType.Float(outChannels, perGroup, kernelSize, kernelSize),
            GlobalSeed.Uniform(outChannels * perGroup * kernelSize * kernelSize, bound)));
        if (hasBias)
            Bias = RegisterParameter("bias", new Parameter("bias", TensorType.Float(outChannels), GlobalSeed.Uniform(outChannels, bound)));
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>Height and width of the kernel.</summary>
    public int KernelSize { get; }
    /// <summary>Step of the kernel along height and width.</summary>
    public int Stride { get; }
    /// <summary>Zeros added on each side of height and width.</summary>
    public int Padding { get; }
    /// <summary>Spacing of the kernel's taps along height and width (1: adjacent).</summary>
    public int Dilation { get; }
    /// <summary>Number of channel groups (1: every output reads every input channel; in channels: depthwise).</summary>
    public int Group { get; }
    /// <summary>The kernel, [out, in/group, k, k] (OIHW).</summary>
    public Parameter Weight { get; }
    /// <summary>The bias, [out]; null without one.</summary>
    public Parameter? Bias { get; }


    /// <summary>
    /// MindSpore's fields: <c>input_channels=1, output_channels=6, kernel_size=(5, 5), stride=(1, 1),
    /// pad_mode=pad, padding=2, dilation=(1, 1), group=1, has_bias=True, weight_init=HeUniform,
    /// bias_init=Uniform, format=NCHW</c> (pad_mode valid when there is no padding).
    /// </summary>
    public override string ExtendRepr() => string.Create(CultureInfo.InvariantCulture,
        $"input_channels={InChannels}, output_channels={OutChannels}, kernel_size=({KernelSize}, {KernelSize}), stride=({Stride}, {Stride}), " +
        $"pad_mode={(Padding == 0 ? "valid" : "pad")}, padding={Padding}, dilation=({Dilation}, {Dilation}), group={Group}, has_bias={(Bias is null ? "False" : "True")}, " +
        $"weight_init=HeUniform, bias_init={(Bias is null ? "None" : "Uniform")}, format=NCHW");

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        var y = Dilation == 1 && Group == 1
            ? Ops.Conv2d(x, Weight, Stride, Stride, Padding, Padding)
            : Ops.Conv2d(x, Weight, Stride, Stride, Padding, Padding, Dilation, Dilation, Group);
        return Bias is null ? y : Ops.BiasAdd(y, Bias, axis: 1);
    }
}
