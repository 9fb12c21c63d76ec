using Trainer.Training.IO;

namespace Trainer.Cli.IO;

/// <summary>
/// The files a command reads (a checkpoint to resume, the data set, a metrics log to plot), so that none of its
/// outputs replaces or appends to one of them. Files are compared by <see cref="FileIdentity"/> (device and inode),
/// not by name, so <c>./m.jsonl</c>, <c>dir/../m.jsonl</c>, a symbolic link and a hard link are all caught.
/// An output is checked when the command starts and again each time it is written, since a name can come to point
/// at an input later (a symbolic link made meanwhile).
/// </summary>
public sealed class InputFiles
{
    private readonly List<(FileIdentity Identity, string Role, string Path)> inputs = [];

    /// <summary>Remembers <paramref name="path"/>, read as <paramref name="role"/> (e.g. <c>--resume</c>); a missing file is skipped.</summary>
    public InputFiles Add(string role, string path)
    {
        if (FileIdentity.Of(path) is { } identity) inputs.Add((identity, role, path));
        return this;
    }

    /// <summary>
    /// Throws an <see cref="IOException"/> (<c>--metrics 'm.jsonl': is the same file as --resume 'run/last.safetensors'</c>)
    /// when <paramref name="path"/>, written as <paramref name="what"/>, names one of the inputs. A name that does not exist yet is fine.
    /// </summary>
    public void CheckOutput(string what, string path)
    {
        if (FileIdentity.Of(path) is not { } identity) return;
        foreach (var input in inputs)
            if (input.Identity == identity)
                throw new IOException($"{what} '{path}': is the same file as {input.Role} '{input.Path}', which this command reads; write elsewhere");
    }
}
