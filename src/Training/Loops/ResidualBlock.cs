using Trainer.Training.Nn;

namespace Trainer.Training.Loops;

/// <summary>
/// The basic block of He et al. (2016): conv3x3(stride s) BN ReLU conv3x3 BN, plus the input through the shortcut,
/// then ReLU. The shortcut is the identity when the shape is kept, else conv1x1(stride s) BN (option B). Convolutions
/// carry no bias (the BatchNorm's beta is the shift). Children: conv1, bn1, conv2, bn2, and with a projection
/// shortcut_conv, shortcut_bn.
/// </summary>
public sealed class ResidualBlock : Cell
{
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;
    private readonly Conv2d? shortcutConv;
    private readonly BatchNorm2d? shortcutBn;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/>, the first convolution and the shortcut at <paramref name="stride"/>.</summary>
    public ResidualBlock(int inChannels, int outChannels, int stride = 1)
    {
        conv1 = Register("conv1", new Conv2d(inChannels, outChannels, 3, stride, padding: 1));
        bn1 = Register("bn1", new BatchNorm2d(outChannels));
        conv2 = Register("conv2", new Conv2d(outChannels, outChannels, 3, 1, padding: 1));
        bn2 = Register("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
        {
            shortcutConv = Register("shortcut_conv", new Conv2d(inChannels, outChannels, 1, stride));
            shortcutBn = Register("shortcut_bn", new BatchNorm2d(outChannels));
        }
    }

    /// <inheritdoc/>
    public override Tensor Construct(Tensor x)
    {
        var y = Ops.Relu(bn1.Call(conv1.Call(x)));
        y = bn2.Call(conv2.Call(y));
        var shortcut = shortcutConv is null ? x : shortcutBn!.Call(shortcutConv.Call(x));
        return Ops.Relu(Ops.Add(y, shortcut));
    }
}
