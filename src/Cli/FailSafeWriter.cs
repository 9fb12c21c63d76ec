using System.Text;

namespace Trainer.Cli;

/// <summary>
/// Standard output or standard error as the command writes to it: a write that fails (a full disk, a closed pipe, a
/// device that refuses) is remembered, not thrown, and later writes are dropped, so a broken stream can neither abort
/// the process nor turn into an "internal error" halfway through a run. <see cref="Program.Main"/> turns a failure
/// into exit code <see cref="Program.StreamFailedExitCode"/> with one line naming the stream.
/// </summary>
public sealed class FailSafeWriter(TextWriter inner, string name) : TextWriter
{
    private volatile string? failure;

    /// <summary>The stream's name for messages: "standard output" or "standard error".</summary>
    public string Name { get; } = name;

    /// <summary>Why the first failed write failed ("No space left on device"), or null while every write has succeeded.</summary>
    public string? Failure => failure;

    /// <summary>Whether this writer writes to <paramref name="writer"/> (e.g. <see cref="Console.Error"/>, to know whether it is a terminal).</summary>
    public bool Wraps(TextWriter writer) => ReferenceEquals(inner, writer);

    public override Encoding Encoding => inner.Encoding;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter takes null as "the default"; so does the inner writer's.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void WriteLine() => Guard(inner.WriteLine);

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private void Guard(Action write)
    {
        if (failure is not null) return;
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            failure = e.Message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
        }
    }
}
