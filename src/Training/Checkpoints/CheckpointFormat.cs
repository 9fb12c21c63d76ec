namespace Trainer.Training.Checkpoints;

/// <summary>The two file formats checkpoints are read from and written in.</summary>
public enum CheckpointFormat
{
    /// <summary>safetensors: optimizer state under <c>optimizer.</c>, the run in the header's metadata.</summary>
    SafeTensors,

    /// <summary>
    /// MindSpore's <c>.ckpt</c> (protobuf, MindSpore's <c>checkpoint.proto</c>): every tensor under the name MindSpore
    /// gives it, optimizer state included (<c>moments.*</c>, <c>moment1.*</c>, <c>beta1_power</c>), the run as
    /// string values named <c>__metadata__.KEY</c>, as MindSpore's <c>append_dict</c> stores strings.
    /// </summary>
    MindSporeCkpt,
}

/// <summary>Names and file extensions of <see cref="CheckpointFormat"/>.</summary>
public static class CheckpointFormats
{
    /// <summary>The names <c>--save-format</c> takes, in order.</summary>
    public static readonly string[] Names = ["safetensors", "ckpt"];

    /// <summary>The file extension with its dot: <c>.safetensors</c> or <c>.ckpt</c>.</summary>
    public static string Extension(CheckpointFormat format) => format == CheckpointFormat.MindSporeCkpt ? ".ckpt" : ".safetensors";

    /// <summary>The prefix optimizer state carries in a file of this format: <c>optimizer.</c> in safetensors, none in a .ckpt.</summary>
    public static string OptimizerPrefix(CheckpointFormat format) => format == CheckpointFormat.MindSporeCkpt ? "" : TrainingCheckpoint.OptimizerPrefix;

    /// <summary>What messages call the format.</summary>
    public static string Describe(CheckpointFormat format) => format == CheckpointFormat.MindSporeCkpt ? "MindSpore .ckpt" : "safetensors";

    /// <summary>Parses a <c>--save-format</c> value.</summary>
    public static bool TryParse(string name, out CheckpointFormat format)
    {
        format = name == "ckpt" ? CheckpointFormat.MindSporeCkpt : CheckpointFormat.SafeTensors;
        return Names.Contains(name);
    }
}
