using Trainer.Training.IO;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Trainer.Training.Data;

/// <summary>
/// Reads unsigned-byte IDX files, raw or gzip-compressed, and validates them strictly: the magic
/// number, the header, and that the data is exactly as long as the header says.
/// </summary>
/// <remarks>
/// Compression is recognised by the gzip magic bytes 0x1F 0x8B at the start of the content, never by
/// the file extension, because downloaded MNIST files are often renamed or decompressed in place.
/// Every failure is a <see cref="DatasetException"/> whose message begins with the file's display name.
/// </remarks>
internal static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte 1-D IDX file (MNIST labels).</summary>
    public const int LabelMagic = 0x00000801;

    /// <summary>Magic number of an unsigned-byte 3-D IDX file (MNIST images).</summary>
    public const int ImageMagic = 0x00000803;

    private const int UnsignedByteTypeCode = 0x08;

    /// <summary>
    /// Reads the file at <paramref name="path"/>, accepting any unsigned-byte IDX magic number
    /// (0x000008NN with 1 to 255 dimensions). Error messages name the file by its file name, except a
    /// missing file, which is reported as <c>'&lt;full path&gt;': file not found</c>.
    /// </summary>
    /// <exception cref="DatasetException">The file is missing, unreadable or malformed.</exception>
    public static IdxFile Read(string path) => ReadPath(path, expectedMagic: null);

    /// <summary>
    /// Reads the file at <paramref name="path"/> and requires its magic number to equal
    /// <paramref name="expectedMagic"/> (e.g. <see cref="ImageMagic"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="expectedMagic"/> is not an unsigned-byte IDX magic number.</exception>
    /// <exception cref="DatasetException">The file is missing, unreadable, malformed, or has another magic number.</exception>
    public static IdxFile Read(string path, int expectedMagic)
    {
        ValidateExpectedMagic(expectedMagic);
        return ReadPath(path, expectedMagic);
    }

    /// <summary>
    /// Reads IDX content from <paramref name="stream"/> (from its current position to its end) and
    /// requires the magic number <paramref name="expectedMagic"/>. <paramref name="displayName"/> starts
    /// every error message. The stream is left open; a non-seekable stream is first buffered in memory
    /// so its first bytes can be inspected for the gzip signature.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="expectedMagic"/> is not an unsigned-byte IDX magic number.</exception>
    /// <exception cref="DatasetException">The content is malformed or has another magic number.</exception>
    public static IdxFile Read(Stream stream, string displayName, int expectedMagic)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        ValidateExpectedMagic(expectedMagic);
        return ReadStream(stream, displayName, expectedMagic);
    }

    /// <summary>
    /// Reads IDX content from <paramref name="stream"/> like <see cref="Read(Stream, string, int)"/> but
    /// accepts any unsigned-byte IDX magic number.
    /// </summary>
    /// <exception cref="DatasetException">The content is malformed.</exception>
    public static IdxFile Read(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        return ReadStream(stream, displayName, expectedMagic: null);
    }

    /// <summary>
    /// A short description of a magic number for error messages: "IDX label file", "IDX image file",
    /// or "IDX unsigned-byte N-D file".
    /// </summary>
    internal static string Describe(int magic) => magic switch
    {
        LabelMagic => "IDX label file",
        ImageMagic => "IDX image file",
        _ => $"IDX unsigned-byte {magic & 0xFF}-D file",
    };

    private static bool IsUnsignedByteMagic(int magic) =>
        (magic & unchecked((int)0xFFFF0000)) == 0
        && ((magic >> 8) & 0xFF) == UnsignedByteTypeCode
        && (magic & 0xFF) > 0;

    private static void ValidateExpectedMagic(int expectedMagic)
    {
        if (!IsUnsignedByteMagic(expectedMagic))
        {
            throw new ArgumentException(
                $"0x{expectedMagic:X8} is not an unsigned-byte IDX magic number (0x000008NN, NN > 0)", nameof(expectedMagic));
        }
    }

    private static IdxFile ReadPath(string path, int? expectedMagic)
    {
        ArgumentNullException.ThrowIfNull(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new DatasetException($"'{fullPath}': file not found");
        }
        // Before opening: opening a FIFO blocks until a writer comes, which would hang the trainer.
        if (FileKind.NotRegular(fullPath) is { } kind)
        {
            throw new DatasetException($"'{fullPath}': not a regular file ({kind})");
        }
        FileStream file;
        try
        {
            file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"'{fullPath}': cannot open: {ex.Message}", ex);
        }
        using (file)
        {
            return ReadStream(file, Path.GetFileName(fullPath), expectedMagic);
        }
    }

    private static IdxFile ReadStream(Stream stream, string displayName, int? expectedMagic)
    {
        Stream source = stream;
        MemoryStream? buffered = null;
        if (!stream.CanSeek)
        {
            buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            source = buffered;
        }
        using (buffered)
        {
            long start = source.Position;
            Span<byte> signature = stackalloc byte[2];
            int signatureLength = source.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            source.Position = start;
            bool isGzip = signatureLength == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
            if (!isGzip)
            {
                return Parse(source, displayName, expectedMagic);
            }
            using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            try
            {
                return Parse(gzip, displayName, expectedMagic);
            }
            catch (InvalidDataException ex)
            {
                throw new DatasetException($"{displayName}: corrupt gzip stream", ex);
            }
        }
    }

    private static IdxFile Parse(Stream input, string name, int? expectedMagic)
    {
        Span<byte> word = stackalloc byte[4];
        int magicLength = input.ReadAtLeast(word, 4, throwOnEndOfStream: false);
        if (magicLength < 4)
        {
            throw new DatasetException($"{name}: truncated: expected a 4-byte IDX magic number, found {magicLength} bytes");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (expectedMagic is int expected)
        {
            if (magic != expected)
            {
                throw new DatasetException($"{name}: bad magic number 0x{magic:X8}, expected 0x{expected:X8} ({Describe(expected)})");
            }
        }
        else if (!IsUnsignedByteMagic(magic))
        {
            throw new DatasetException($"{name}: bad magic number 0x{magic:X8}, expected 0x000008NN (IDX unsigned-byte file with NN > 0 dimensions)");
        }

        int rank = magic & 0xFF;
        int headerLength = 4 + 4 * rank;
        var dimensions = new int[rank];
        long dataLength = 1;
        for (int i = 0; i < rank; i++)
        {
            int got = input.ReadAtLeast(word, 4, throwOnEndOfStream: false);
            if (got < 4)
            {
                throw new DatasetException($"{name}: truncated: expected a {headerLength}-byte header, found {4 + 4 * i + got} bytes");
            }
            int dimension = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimension < 0)
            {
                throw new DatasetException($"{name}: bad dimension {i}: expected a non-negative size, found {dimension}");
            }
            dimensions[i] = dimension;
            // Saturate instead of overflowing: only "too large" matters once the limit is passed,
            // but a later zero dimension still makes the data empty.
            dataLength = Math.Min(dataLength * dimension, (long)Array.MaxLength + 1);
        }
        if (dataLength > Array.MaxLength)
        {
            throw new DatasetException($"{name}: dimensions {HostTensor.FormatShape(dimensions)} describe more than {Array.MaxLength} bytes of data");
        }

        string what = magic switch
        {
            ImageMagic => "image data",
            LabelMagic => "label data",
            _ => "data",
        };
        var data = ReadData(input, (int)dataLength, name, what);
        long extra = CountRemainingBytes(input, ExtraBytesCounted);
        if (extra > 0)
        {
            string found = extra > ExtraBytesCounted ? $"more than {ExtraBytesCounted}" : extra.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new DatasetException($"{name}: expected {data.Length} bytes of {what} after the header, found {found} extra bytes after the data");
        }
        return new IdxFile(magic, dimensions, data);
    }

    /// <summary>
    /// The <paramref name="length"/> bytes after the header. Memory follows the bytes that are really there, not the
    /// header's claim: a seekable file shorter than the claim is refused before anything is allocated, and a
    /// decompressing stream is read into a buffer that doubles as data arrives (so a 100-byte file claiming 2 GB costs
    /// kilobytes).
    /// </summary>
    private static byte[] ReadData(Stream input, int length, string name, string what)
    {
        if (input.CanSeek && input.Length - input.Position < length)
            throw new DatasetException($"{name}: truncated: expected {length} bytes of {what} after the header, found {input.Length - input.Position}");
        var data = new byte[input.CanSeek ? length : Math.Min(length, 1 << 20)];
        int filled = 0;
        while (true)
        {
            filled += input.ReadAtLeast(data.AsSpan(filled), data.Length - filled, throwOnEndOfStream: false);
            if (filled < data.Length || data.Length == length) break;
            Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
        }
        if (filled < length)
            throw new DatasetException($"{name}: truncated: expected {length} bytes of {what} after the header, found {filled}");
        return data;
    }

    /// <summary>How far trailing bytes are counted: a compressed file can expand to gigabytes of them, and the count only decorates the error.</summary>
    private const long ExtraBytesCounted = 1 << 20;

    /// <summary>The bytes left in <paramref name="input"/>, counting no further than just past <paramref name="limit"/>.</summary>
    private static long CountRemainingBytes(Stream input, long limit)
    {
        byte[] scratch = new byte[8192];
        long total = 0;
        int got;
        while (total <= limit && (got = input.Read(scratch, 0, scratch.Length)) > 0)
        {
            total += got;
        }
        return total;
    }
}
