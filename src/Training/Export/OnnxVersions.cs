namespace Trainer.Training.Export;

/// <summary>Which ONNX IR version goes with each opset a model may declare (ONNX's docs/Versioning.md).</summary>
internal static class OnnxVersions
{
    /// <summary>The IR version of the ONNX release that introduced <paramref name="opset"/> (13 to 21).</summary>
    public static long IrVersion(int opset) => opset switch
    {
        13 or 14 => 7,
        15 or 16 or 17 or 18 => 8,
        19 or 20 => 9,
        21 => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(opset), opset,
            $"the ONNX opset must be {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}"),
    };
}
