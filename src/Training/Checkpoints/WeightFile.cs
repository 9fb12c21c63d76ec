namespace Trainer.Training.Checkpoints;

/// <summary>
/// A weights file read whole and validated, in either format the trainer reads: safetensors (ours, or written by
/// PyTorch, Hugging Face, MindSpore or any other tool) or a MindSpore <c>.ckpt</c>. <see cref="WeightFiles.Read"/>
/// tells them apart by their content, not their name.
/// </summary>
public sealed class WeightFile(string path, CheckpointFormat format, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<StoredTensor> tensors)
{
    /// <summary>The path as the caller gave it; every error message starts with it.</summary>
    public string Path { get; } = path;

    /// <summary>Which format the content is.</summary>
    public CheckpointFormat Format { get; } = format;

    /// <summary>
    /// The file's metadata: a safetensors header's <c>__metadata__</c>, or a <c>.ckpt</c>'s string values (those
    /// named <c>__metadata__.KEY</c> under KEY). Keys the trainer does not know are kept and ignored.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<StoredTensor> Tensors { get; } = tensors;
}
