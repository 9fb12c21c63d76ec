using Trainer.Training.Checkpoints.MindSpore;
using Trainer.Training.IO;

namespace Trainer.Training.Checkpoints;

/// <summary>
/// Opens a weights file in whichever format its content is: a safetensors file starts with an 8-byte header length
/// followed by <c>{</c>; a MindSpore <c>.ckpt</c> is protobuf and starts with the key of <c>Checkpoint.value</c>
/// (byte 0x0A). The name's extension plays no part. Anything else is read as safetensors, whose reader then says
/// exactly what is wrong with it.
/// </summary>
public static class WeightFiles
{
    /// <summary>
    /// Reads and validates <paramref name="path"/> (a regular file, never blocking on a FIFO). Every problem is a
    /// one-line <see cref="CheckpointException"/> naming the file.
    /// </summary>
    public static WeightFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = RegularFile.TryOpenRead(path, out string problem) ?? throw new CheckpointException(path, problem);
        try
        {
            Span<byte> start = stackalloc byte[9];
            int read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            bool safeTensors = read == 9 && start[8] == (byte)'{';
            if (!safeTensors && read > 0 && start[0] == MindSporeCheckpoint.FirstByte)
                return MindSporeCheckpoint.Read(path, stream);
            return SafeTensors.Read(path, stream).ToWeightFile();
        }
        catch (IOException e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path, $"read failed: {e.Message}", e);
        }
    }
}
