namespace Trainer.Training.Export;

/// <summary>
/// A model that cannot be written as ONNX: an op with no ONNX equivalent, a reshape that folds the
/// batch axis, non-finite weights. The message is one line naming the op (with its node id) or the
/// tensor; <c>trainer</c> prints it and exits 1.
/// </summary>
public sealed class OnnxExportException(string message) : Exception(message);
