namespace Trainer.Training.Data;

/// <summary>
/// One CIFAR binary file opened for random access: fixed-size records, read one at a time with positional reads
/// (<see cref="RandomAccess.Read(Microsoft.Win32.SafeHandles.SafeFileHandle, Span{byte}, long)"/>), which share no
/// file position and so are safe from any number of threads. Nothing but the handle stays in memory.
/// </summary>
internal sealed class CifarRecordFile : IDisposable
{
    private readonly FileStream stream;

    private CifarRecordFile(string path, FileStream stream, int recordSize, int count)
    {
        Path = path;
        this.stream = stream;
        RecordSize = recordSize;
        Count = count;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Bytes per record.</summary>
    public int RecordSize { get; }

    /// <summary>Records in the file.</summary>
    public int Count { get; }

    /// <summary>Opens <paramref name="path"/> and checks that it holds a whole, positive number of records.</summary>
    /// <exception cref="DatasetException">The file is missing, not a regular file, empty, or not a whole number of records; the message names the file, its length and the record size.</exception>
    public static CifarRecordFile Open(string path, int recordSize, string format, string recordLayout)
    {
        FileStream stream = IO.RegularFile.TryOpenRead(path, out string problem)
            ?? throw new DatasetException($"{path}: {problem} (expected a {format} binary file)");
        try
        {
            long length = stream.Length;
            if (length == 0)
                throw new DatasetException($"{path}: empty file, expected {format} records of {recordSize} bytes ({recordLayout})");
            if (length % recordSize != 0)
                throw new DatasetException($"{path}: {length} bytes is not a whole number of {recordSize}-byte {format} records ({recordLayout}); {length / recordSize} records and {length % recordSize} bytes over, truncated or not {format}");
            if (length / recordSize > int.MaxValue)
                throw new DatasetException($"{path}: {length / recordSize} records, more than the {int.MaxValue} a data set may hold");
            return new CifarRecordFile(path, stream, recordSize, (int)(length / recordSize));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads record <paramref name="index"/> into <paramref name="record"/>, which is <see cref="RecordSize"/> bytes long.</summary>
    /// <exception cref="DatasetException">The file shrank or could not be read.</exception>
    public void Read(int index, Span<byte> record)
    {
        long offset = (long)index * RecordSize;
        try
        {
            int done = 0;
            while (done < record.Length)
            {
                int n = RandomAccess.Read(stream.SafeFileHandle, record[done..], offset + done);
                if (n == 0)
                    throw new DatasetException($"{Path}: ends inside record {index} (offset {offset}); the file shrank after it was opened");
                done += n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{Path}: cannot read record {index}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
