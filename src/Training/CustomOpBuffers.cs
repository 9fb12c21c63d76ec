using Trainer.Kernels.Cpu;
using Trainer.Kernels.Device;

namespace Trainer.Training;

/// <summary>
/// What a <see cref="CustomOp"/>'s forward on the native CPU backend reads and writes: its inputs as read-only spans
/// of float, its outputs as spans to fill, and their shapes (row-major). The spans are views of device memory that
/// are valid during the call only; do not keep them. Outputs start with whatever the memory held: write every element.
/// </summary>
public sealed class CustomOpBuffers
{
    private readonly DeviceBuffer[] inputs, outputs;
    private readonly int[][] inputShapes, outputShapes;

    internal CustomOpBuffers(DeviceBuffer[] inputs, int[][] inputShapes, DeviceBuffer[] outputs, int[][] outputShapes)
    {
        this.inputs = inputs;
        this.inputShapes = inputShapes;
        this.outputs = outputs;
        this.outputShapes = outputShapes;
    }

    /// <summary>How many inputs the op was called with.</summary>
    public int InputCount => inputs.Length;

    /// <summary>How many outputs the op makes.</summary>
    public int OutputCount => outputs.Length;

    /// <summary>The shape of input <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> InputShape(int index) => inputShapes[index];

    /// <summary>The shape of output <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> OutputShape(int index) => outputShapes[index];

    /// <summary>The elements of input <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Input(int index) => NativeSpans.Floats(inputs[index], Count(inputShapes[index]));

    /// <summary>The elements of output <paramref name="index"/>, to be written.</summary>
    public Span<float> Output(int index) => NativeSpans.Floats(outputs[index], Count(outputShapes[index]));

    private static int Count(int[] shape) => checked((int)KernelCall.ElementCount(shape));
}
