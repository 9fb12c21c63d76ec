using SkiaSharp;

namespace Trainer.Training.Data;

/// <summary>
/// Source data set over a folder of images sorted into one subfolder per class, <c>DIR/&lt;class&gt;/*.png</c>:
/// torchvision's <c>ImageFolder</c> and MindSpore's <c>ImageFolderDataset</c>. Class names are the subfolder names
/// sorted ordinally, and a row's label is its class's index in that order (<see cref="ClassIndexing"/>). Each row has
/// two columns: <c>"image"</c>, uint8 <c>[H,W,C]</c> with C = <see cref="Channels"/> (1 gray or 3 RGB), and
/// <c>"label"</c>, int32 <c>[]</c>.
/// </summary>
/// <remarks>
/// <para>Images are the files under a class folder, at any depth, whose extension (any case) is one of
/// <see cref="Extensions"/>; other files are ignored, and so are folders whose names start with a dot. Files are
/// ordered by class, then by ordinal relative path.</para>
/// <para>The constructor lists the files and reads each one's header (its first 64 KiB, in parallel) to check that SkiaSharp can decode it
/// and to learn its size, but decodes no pixels. A row is decoded when it is read (<see cref="GetRow"/>), so a batch
/// pipeline that reads rows on several threads decodes on all of them. Colour becomes gray by the luma rule
/// round(0.299 R + 0.587 G + 0.114 B); transparency is composited over black; colour profiles and EXIF orientation
/// are not applied. With a size, each image is resized after decoding by <see cref="Resize"/> (bilinear, OpenCV's
/// half-pixel convention); without one, rows keep each image's own size, and batching needs them all equal
/// (<see cref="ImageHeight"/> says whether they are).</para>
/// <para>A file whose header cannot be decoded is an error naming it, or with <c>skipBadImages</c> is left out and
/// counted in <see cref="SkippedImages"/>. A file whose header is fine but whose pixel data is not (a truncated PNG)
/// is only found when its row is decoded, and is then an error naming it whatever <c>skipBadImages</c> says, since
/// the row count is fixed by then.</para>
/// </remarks>
public sealed class ImageFolderDataset : MappableDataset
{
    /// <summary>The file extensions read as images, compared without regard to case.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private static readonly string[] Columns = ["image", "label"];

    private readonly string[] files;
    private readonly int[] labels;
    private readonly string[] skipped;
    private readonly Resize? resize;

    /// <summary>Lists and checks the images under <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder holding one subfolder per class.</param>
    /// <param name="channels">1 to decode to gray, 3 to decode to RGB.</param>
    /// <param name="height">With <paramref name="width"/>, the size every image is resized to; both null to keep each image's size.</param>
    /// <param name="width">With <paramref name="height"/>, the size every image is resized to.</param>
    /// <param name="skipBadImages">Leave out (and count) files whose header cannot be decoded instead of failing.</param>
    /// <exception cref="DatasetException">The folder is missing or has no class folders; a class has no images (or, skipping, none
    /// good); an image cannot be decoded and <paramref name="skipBadImages"/> is false; the channels or size are out of range.</exception>
    public ImageFolderDataset(string directory, int channels = 3, int? height = null, int? width = null, bool skipBadImages = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (channels is not (1 or 3))
            throw new DatasetException($"ImageFolder: channels must be 1 (gray) or 3 (RGB), got {channels}");
        if (height.HasValue != width.HasValue)
            throw new DatasetException("ImageFolder: give both a height and a width to resize to, or neither");
        resize = height is { } h && width is { } w ? new Resize(h, w) : null;
        Channels = channels;
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
            throw new DatasetException($"image folder '{Directory}' does not exist");

        string[] classes = new DirectoryInfo(Directory).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (classes.Length == 0)
            throw new DatasetException($"image folder '{Directory}': no class folders, expected {Directory}/<class>/*.png (or {string.Join(", ", Extensions)}), one folder per class");

        var candidates = new List<(string Path, int Label)>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classDirectory = Path.Combine(Directory, classes[label]);
            string[] images = ListImages(classDirectory);
            if (images.Length == 0)
                throw new DatasetException($"image folder '{Directory}': class '{classes[label]}' has no images ({string.Join(", ", Extensions)}) in {classDirectory}");
            foreach (string image in images) candidates.Add((image, label));
        }

        var sizes = new SKImageInfo[candidates.Count];
        var errors = new DatasetException?[candidates.Count];
        Parallel.For(0, candidates.Count, i =>
        {
            try
            {
                sizes[i] = ImageFileDecoder.ProbeFile(candidates[i].Path);
            }
            catch (DatasetException e)
            {
                errors[i] = e;
            }
        });

        var goodFiles = new List<string>(candidates.Count);
        var goodLabels = new List<int>(candidates.Count);
        var bad = new List<string>();
        int? commonHeight = null, commonWidth = null;
        bool uniform = true;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (errors[i] is { } error)
            {
                if (!skipBadImages)
                    throw new DatasetException($"{error.Message} (one of {candidates.Count} images in '{Directory}'; skipBadImages leaves such files out)", error);
                bad.Add(candidates[i].Path);
                continue;
            }
            goodFiles.Add(candidates[i].Path);
            goodLabels.Add(candidates[i].Label);
            commonHeight ??= sizes[i].Height;
            commonWidth ??= sizes[i].Width;
            uniform &= sizes[i].Height == commonHeight && sizes[i].Width == commonWidth;
        }
        var hasImage = new bool[classes.Length];
        foreach (int label in goodLabels) hasImage[label] = true;
        for (int label = 0; label < classes.Length; label++)
        {
            if (!hasImage[label])
                throw new DatasetException($"image folder '{Directory}': class '{classes[label]}' has no image that can be decoded (all were skipped as bad)");
        }
        files = [.. goodFiles];
        labels = [.. goodLabels];
        skipped = [.. bad];
        ClassNames = classes;
        ClassIndexing = classes.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.Ordinal);
        ImageHeight = resize?.Height ?? (uniform ? commonHeight : null);
        ImageWidth = resize?.Width ?? (uniform ? commonWidth : null);
    }

    /// <summary>The full path of the folder holding the class folders.</summary>
    public string Directory { get; }

    /// <summary>Class names (the subfolder names), sorted ordinally; a label is an index into this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Each class name's label, MindSpore's <c>class_indexing</c>.</summary>
    public IReadOnlyDictionary<string, int> ClassIndexing { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The full paths of the images, in row order.</summary>
    public IReadOnlyList<string> Files => files;

    /// <summary>Number of images (rows).</summary>
    public override int Count => files.Length;

    /// <summary>Channels per decoded image: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>The height of every row's image: the resize height, or the images' common height; null when they differ.</summary>
    public int? ImageHeight { get; }

    /// <summary>The width of every row's image: the resize width, or the images' common width; null when they differ.</summary>
    public int? ImageWidth { get; }

    /// <summary>Number of files left out because their header could not be decoded (only with <c>skipBadImages</c>).</summary>
    public int SkippedImages => skipped.Length;

    /// <summary>The full paths of the files counted in <see cref="SkippedImages"/>.</summary>
    public IReadOnlyList<string> SkippedFiles => skipped;

    /// <inheritdoc />
    public override IReadOnlyList<string> ColumnNames => Columns;

    /// <summary>Decodes image <paramref name="index"/> (in <see cref="Files"/> order); the epoch does not affect it. Safe to call from several threads at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="DatasetException">The file can no longer be read or its pixel data cannot be decoded; the message names it.</exception>
    public override HostTensor[] GetRow(int index, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return [DecodeImage(files[index], Channels, resize), new HostTensor([], [labels[index]])];
    }

    /// <summary>
    /// Decodes one image file as a row's image is decoded: uint8 [H,W,<paramref name="channels"/>] (gray by the luma rule, or RGB;
    /// transparency over black), resized by <paramref name="resize"/> when given. What <c>trainer predict --image</c> reads a picture with.
    /// </summary>
    /// <exception cref="DatasetException">The file cannot be read or decoded; the message names it.</exception>
    internal static HostTensor DecodeImage(string path, int channels, Resize? resize)
    {
        using SKBitmap bitmap = ImageFileDecoder.DecodePremultiplied(path, ImageFileDecoder.ReadFile(path));
        var image = new HostTensor([bitmap.Height, bitmap.Width, channels], ImageFileDecoder.ToChannels(bitmap, channels));
        return resize is null ? image : resize.Apply(image);
    }

    /// <summary>
    /// The channels to decode a folder's images to: 1 when the first image of every class folder under <paramref name="directory"/>
    /// is stored as gray (its decoder reports 8-bit gray), else 3. Reads one header per class; files that cannot be read are
    /// left for the data set to report.
    /// </summary>
    public static int DetectChannels(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) return 3;
        bool sawImage = false;
        foreach (var classDirectory in new DirectoryInfo(full).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            foreach (string file in ListImages(classDirectory.FullName))
            {
                SKImageInfo info;
                try { info = ImageFileDecoder.ProbeFile(file); }
                catch (DatasetException) { continue; }
                if (info.ColorType != SKColorType.Gray8) return 3;
                sawImage = true;
                break;
            }
        }
        return sawImage ? 1 : 3;
    }

    /// <summary>The image files under <paramref name="classDirectory"/> at any depth, skipping dot folders, in ordinal order of their relative paths.</summary>
    internal static string[] ListImages(string classDirectory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0, MatchCasing = MatchCasing.CaseInsensitive };
        return System.IO.Directory.EnumerateFiles(classDirectory, "*", options)
            .Where(path => IsImageName(path) && !Path.GetRelativePath(classDirectory, path).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether <paramref name="path"/> has one of the <see cref="Extensions"/>.</summary>
    internal static bool IsImageName(string path)
    {
        string extension = Path.GetExtension(path);
        foreach (string known in Extensions)
            if (string.Equals(extension, known, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
