// Images per second of the host data pipeline (decode + augment + batch, no training) on this machine,
// for an image folder of PNGs and for CIFAR-10 binary files made from the same Fashion-MNIST images.
// Run by bench/data-pipeline.sh, which says what it measures; arguments: DATA_DIR WORK_DIR IMAGES RUNS.
#:project ../src/Training/Training.csproj
#:property PublishAot=false
#:property Nullable=enable

using System.Diagnostics;
using System.Globalization;
using SkiaSharp;
using Trainer.Kernels.Device;
using Trainer.Training.Data;

string dataDir = args[0], work = args[1];
int images = int.Parse(args[2], CultureInfo.InvariantCulture), runs = int.Parse(args[3], CultureInfo.InvariantCulture);
const int Batch = 64;

string folder = Path.Combine(work, $"folder-{images}");
string cifar = Path.Combine(work, $"cifar-{images}");
if (!Directory.Exists(folder) || !Directory.Exists(cifar)) Prepare(dataDir, folder, cifar, images);

float[] mean3 = [0.4914f, 0.4822f, 0.4465f], std3 = [0.2470f, 0.2435f, 0.2616f];
ITransform[] Augment(ulong seed) =>
    [new RandomCrop(32, 32, 4, seed), new RandomHorizontalFlip(0.5, seed), new Rescale(1f / 255f, 0f), new Normalize(mean3, std3), new HWC2CHW()];

var configs = new List<(string Name, Func<int, Dataset> Build)>();
foreach (int workers in new[] { 1, 2 })
{
    configs.Add(($"folder gray 28x28: decode, Rescale, Normalize, HWC2CHW; workers {workers}", w =>
        new ImageFolderDataset(folder, channels: 1).Map([new Rescale(1f / 255f, 0f), new Normalize(0.2860f, 0.3530f), new HWC2CHW()], "image").Shuffle(1).Batch(Batch, false, w)));
    configs.Add(($"folder RGB -> 32x32: decode, Resize, RandomCrop(pad 4), Flip, Rescale, Normalize, HWC2CHW; workers {workers}", w =>
        new ImageFolderDataset(folder, channels: 3, height: 32, width: 32).Map(Augment(7), "image").Shuffle(1).Batch(Batch, false, w)));
    configs.Add(($"CIFAR-10 binary 32x32x3: read, RandomCrop(pad 4), Flip, Rescale, Normalize, HWC2CHW; workers {workers}", w =>
        new Cifar10Dataset(cifar, "train").Map(Augment(7), "image").Shuffle(1).Batch(Batch, false, w)));
}
int[] workerOf = [1, 1, 1, 2, 2, 2];

Console.WriteLine($"{images} images a pass, batch {Batch}, {runs} rounds; every round runs every configuration once, in order; {Environment.ProcessorCount} CPUs");
var rates = configs.Select(_ => new List<double>()).ToArray();
for (int round = 0; round < runs; round++)
{
    for (int c = 0; c < configs.Count; c++)
    {
        Dataset pipeline = configs[c].Build(workerOf[c]);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        foreach (HostTensor[] batch in pipeline.Rows(round)) rows += batch[0].Shape[0];
        double seconds = clock.Elapsed.TotalSeconds;
        if (pipeline.Upstream?.Upstream?.Upstream is IDisposable disposable) disposable.Dispose();
        rates[c].Add(rows / seconds);
        Console.WriteLine($"RESULT {rows / seconds:F0} images/s  {seconds,6:F2} s  {configs[c].Name}");
    }
}
return 0;

// Writes the first IMAGES Fashion-MNIST training images as gray PNGs, DIR/<label>/<index>.png, and the same images as
// CIFAR-10 binary records (gray copied to three channels, resized bilinearly 28x28 -> 32x32) over data_batch_1..5.bin.
static void Prepare(string dataDir, string folder, string cifar, int images)
{
    var mnist = new MnistDataset(dataDir, "train");
    if (images > mnist.Count) throw new ArgumentException($"only {mnist.Count} images in {dataDir}");
    Directory.CreateDirectory(cifar);
    var resize = new Resize(32, 32);
    var records = new List<byte>[5];
    for (int b = 0; b < 5; b++) records[b] = [];
    for (int i = 0; i < images; i++)
    {
        HostTensor[] row = mnist.GetRow(i, 0);
        byte[] pixels = row[0].AsUInt8();
        byte label = row[1].AsUInt8()[0];
        string classDir = Path.Combine(folder, label.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(classDir);
        using (var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(classDir, $"{i:D5}.png"), png.ToArray());
        }
        byte[] big = resize.Apply(new HostTensor([28, 28, 1], pixels)).AsUInt8();
        List<byte> record = records[i * 5 / images];
        record.Add(label);
        for (int c = 0; c < 3; c++) record.AddRange(big);
    }
    for (int b = 0; b < 5; b++) File.WriteAllBytes(Path.Combine(cifar, $"data_batch_{b + 1}.bin"), [.. records[b]]);
    File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), [.. records[0].Take(3073)]);
}
