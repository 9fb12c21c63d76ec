namespace Trainer.Training.Metrics;

/// <summary>
/// Splits a stream into "\n"-separated lines of bytes without ever holding more than a fixed number of bytes of one
/// line: a file that is one 1 GB line costs a bounded buffer, not a gigabyte of memory. A trailing "\r" is kept.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] buffer = new byte[64 * 1024];
    private int start, end;
    private bool atEnd;
    private readonly MemoryStream line = new();

    /// <summary>Whether the last line <see cref="Next"/> returned was longer than the limit (then it returned an empty line and stopped reading it).</summary>
    public bool Overlong { get; private set; }

    /// <summary>The next line without its "\n", or null at the end of the stream. A line over the limit comes back empty with <see cref="Overlong"/> set.</summary>
    public ReadOnlyMemory<byte>? Next()
    {
        line.SetLength(0);
        Overlong = false;
        while (true)
        {
            if (start == end)
            {
                if (atEnd)
                {
                    if (line.Length == 0) return null; // not in a ?: with Take(): null would convert to an empty ReadOnlyMemory
                    return Take();
                }
                start = 0;
                end = stream.Read(buffer, 0, buffer.Length);
                if (end == 0)
                {
                    atEnd = true;
                    continue;
                }
            }
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            int stop = newline < 0 ? end : newline;
            if (line.Length + (stop - start) > maxLineBytes)
            {
                Overlong = true;
                return ReadOnlyMemory<byte>.Empty;
            }
            line.Write(buffer, start, stop - start);
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) return Take();
        }
    }

    private ReadOnlyMemory<byte> Take() => new(line.GetBuffer(), 0, (int)line.Length);
}
