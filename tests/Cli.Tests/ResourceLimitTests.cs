using System.Buffers.Binary;
using System.Diagnostics;
using Trainer.Cli.Plotting;
using Trainer.Training.Metrics;
using Trainer.Training.Tests.Data;

namespace Trainer.Cli.Tests;

/// <summary>
/// Inputs that claim or hold more than is sensible are bounded: an image's pixels are checked from its header, the
/// data set's sizes against its files, and plot's work follows the picture's width rather than the log's length.
/// </summary>
public sealed class ResourceLimitTests(TrainedCheckpoint checkpoint) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(20000, 20000)]
    [InlineData(50001, 1000)]
    public void Predict_refuses_an_image_claiming_too_many_pixels(int width, int height)
    {
        string image = dir.File("digit.bmp");
        File.WriteAllBytes(image, ClaimedImage.Bmp(width, height));
        var result = Cli.Run("predict", "--device", "cpu", "--checkpoint", checkpoint.Path, "--image", image);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {image}: image declares {width}x{height} = {(long)width * height} pixels, more than the 50000000 allowed; scale it down first",
            result.SingleErrorLine());
    }

    [Fact]
    public void A_data_file_claiming_more_images_than_it_holds()
    {
        string data = dir.File("data");
        Directory.CreateDirectory(data);
        var images = MnistFiles.Images(10, 1);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), 2_000_000); // claims 1.5 GB
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TrainImages), images);
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TrainLabels), MnistFiles.Labels(10, 2));
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TestImages), MnistFiles.Images(10, 3));
        File.WriteAllBytes(Path.Combine(data, MnistFiles.TestLabels), MnistFiles.Labels(10, 4));
        var result = Cli.Run("train", "--device", "cpu", "--data", data);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {MnistFiles.TrainImages}: truncated: expected 1568000000 bytes of image data after the header, found 7840", result.SingleErrorLine());
    }

    [Fact]
    public void Plot_of_300000_records_draws_a_thinned_line()
    {
        string log = dir.File("long.jsonl");
        using (var writer = new StreamWriter(log))
            for (int step = 0; step < 300_000; step++)
                writer.Write($"{{\"kind\":\"step\",\"epoch\":1,\"step\":{step},\"loss\":{2.3 * Math.Exp(-step / 60000.0) + 0.1 * Math.Sin(step):R},\"lr\":0.01,\"samples_per_s\":100}}\n");
        var clock = Stopwatch.StartNew();
        var result = Cli.Run("plot", log, "--out", dir.File("long.png"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("wrote 1200x500 plot of 300000 step records", result.Stdout);
        // Not a timing claim (bench/plot-scaling.sh measures): a bound far above the ~3 s it takes, against hangs.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"plot took {clock.Elapsed}");
    }
}
