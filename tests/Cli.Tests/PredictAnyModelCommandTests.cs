using System.Globalization;
using System.Text.RegularExpressions;
using SkiaSharp;
using Trainer.Training.Checkpoints;
using Trainer.Training.Data;
using Trainer.Training.Tests.Data;

namespace Trainer.Cli.Tests;

/// <summary>
/// `trainer predict` on models trained on users' data: class names in the test-batch line and for --image, a picture of
/// any size decoded to the model's channels, resized as the image-folder reader resizes and normalised as training did
/// (each probability checked against ONNX Runtime on the exported model fed the expected pixels), --row for a table
/// model, and every refusal one line before any device is opened.
/// </summary>
public sealed class PredictAnyModelCommandTests(UserDataCheckpoints zoo) : IClassFixture<UserDataCheckpoints>
{
    private static CliResult Predict(params string[] args) => Cli.Run(["predict", "--device", "cpu", .. args]);

    /// <summary>The probabilities predict printed for --image or --row: the header's class and one line per class (index, name when named).</summary>
    private static (string Predicted, double[] Probabilities) Parse(CliResult result, string what, string[]? names)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        var header = Regex.Match(lines[0], $"^{Regex.Escape(what)}: predicted (.+) \\(probability (0\\.\\d{{4}}|1\\.0000)\\)$");
        Assert.True(header.Success, result.ToString());
        var probabilities = new double[lines.Length - 1];
        for (int c = 0; c < probabilities.Length; c++)
        {
            string prefix = $"  {c}{(names is null ? "" : " " + names[c])}: ";
            Assert.StartsWith(prefix, lines[c + 1]);
            probabilities[c] = double.Parse(lines[c + 1][prefix.Length..], CultureInfo.InvariantCulture);
        }
        return (header.Groups[1].Value, probabilities);
    }

    /// <summary>Predict's printed probabilities agree (to their 4 decimals) with ONNX Runtime's softmax of the exported model on <paramref name="pixels"/> (uint8 CHW).</summary>
    private void AssertAgreesWithOnnx(CliResult result, string what, string checkpoint, byte[] pixels, int[] shape, string[]? names)
    {
        string onnx = Path.Combine(zoo.Scratch(Guid.NewGuid().ToString("N")), "m.onnx");
        var export = Cli.Run("export", "--checkpoint", checkpoint, "--out", onnx, "--with-preprocessing");
        Assert.True(export.ExitCode == 0, export.ToString());
        var expected = UserDataCheckpoints.Softmax(UserDataCheckpoints.OnnxLogits(onnx, pixels, shape));
        var (predicted, printed) = Parse(result, what, names);
        Assert.Equal(expected.Length, printed.Length);
        for (int c = 0; c < expected.Length; c++)
            Assert.True(Math.Abs(expected[c] - printed[c]) <= 6e-5, $"class {c}: predict printed {printed[c]}, ONNX Runtime gives {expected[c]}\n{result}");
        int best = Array.IndexOf(expected, expected.Max());
        Assert.Equal(names is null ? best.ToString(CultureInfo.InvariantCulture) : names[best], predicted);
    }

    private static string WriteSolid(string path, SKColor color, int height, int width, SKColorType type = SKColorType.Rgba8888)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void The_test_batch_line_and_the_checkpoint_name_the_classes()
    {
        Assert.Equal("[\"cat\",\"dog\",\"red fox\"]", SafeTensors.Read(zoo.RgbMlp).Metadata["class_names"]);
        Assert.Equal("0.5", SafeTensors.Read(zoo.RgbMlp).Metadata["pixel_mean"]);
        var result = Predict("--checkpoint", zoo.RgbMlp, "--data", zoo.RgbData, "--count", "6");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("found image folders: 6 train / 6 test images, 3 classes, RGB 6x9", result.StdoutLines[0]);
        var m = Regex.Match(result.StdoutLines[^1], "^Predicted: \"\\[((cat|dog|red fox)(, (cat|dog|red fox)){5})\\]\", Actual: \"\\[cat, cat, dog, dog, red fox, red fox\\]\"$");
        Assert.True(m.Success, result.ToString());
    }

    [Fact]
    public void An_rgb_picture_of_the_models_size_is_normalised_as_training_did()
    {
        string picture = ImageFolderTree.WriteRgb(zoo.Scratch("rgb-picture"), "fox.png", image: 42, height: 6, width: 9);
        var pixels = new byte[3 * 6 * 9];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 9; x++)
                    pixels[(c * 6 + y) * 9 + x] = ImageFolderTree.Value(42, y, x, c);
        var result = Predict("--checkpoint", zoo.RgbMlp, "--image", picture);
        AssertAgreesWithOnnx(result, picture, zoo.RgbMlp, pixels, [1, 3, 6, 9], UserDataCheckpoints.RgbClasses);
    }

    [Fact]
    public void A_7x5_picture_is_resized_as_the_image_folder_reader_resizes_it()
    {
        string scratch = zoo.Scratch("resize");
        string picture = ImageFolderTree.WriteRgb(scratch, "small.png", image: 3, height: 5, width: 7);
        // The reader's own Resize on the decoded picture, written losslessly at the model's 6x9: the same prediction, digit for digit.
        var decoded = new byte[5 * 7 * 3];
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
                for (int c = 0; c < 3; c++)
                    decoded[(y * 7 + x) * 3 + c] = ImageFolderTree.Value(3, y, x, c);
        byte[] resized = new Resize(6, 9).Apply(new HostTensor([5, 7, 3], decoded)).AsUInt8();
        using var bitmap = new SKBitmap(new SKImageInfo(9, 6, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 9; x++)
                bitmap.SetPixel(x, y, new SKColor(resized[(y * 9 + x) * 3], resized[(y * 9 + x) * 3 + 1], resized[(y * 9 + x) * 3 + 2]));
        string exact = Path.Combine(scratch, "exact.png");
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(exact, data.ToArray());

        var small = Predict("--checkpoint", zoo.RgbMlp, "--image", picture);
        var reference = Predict("--checkpoint", zoo.RgbMlp, "--image", exact);
        Assert.True(small.ExitCode == 0 && reference.ExitCode == 0, small + "\n" + reference);
        Assert.Equal(reference.StdoutLines[1..], small.StdoutLines[1..]);
        Assert.NotEmpty(reference.StdoutLines[0]);
    }

    [Fact]
    public void A_one_pixel_gray_picture_becomes_three_equal_channels_for_an_rgb_model()
    {
        string picture = WriteSolid(Path.Combine(zoo.Scratch("gray-pixel"), "dot.png"), new SKColor(200, 200, 200), 1, 1, SKColorType.Gray8);
        var result = Predict("--checkpoint", zoo.RgbMlp, "--image", picture);
        AssertAgreesWithOnnx(result, picture, zoo.RgbMlp, Enumerable.Repeat((byte)200, 3 * 6 * 9).ToArray(), [1, 3, 6, 9], UserDataCheckpoints.RgbClasses);
    }

    [Fact]
    public void An_rgb_picture_becomes_gray_by_luma_for_a_gray_model_of_mnists_shape_normalised_as_its_folders_were()
    {
        Assert.Equal("0.5", SafeTensors.Read(zoo.GrayMlp).Metadata["pixel_std"]);
        var color = new SKColor(250, 20, 90);
        byte luma = (byte)Math.Round(0.299 * 250 + 0.587 * 20 + 0.114 * 90);
        string picture = WriteSolid(Path.Combine(zoo.Scratch("rgb-pixel"), "red.png"), color, 1, 1);
        var result = Predict("--checkpoint", zoo.GrayMlp, "--image", picture);
        var names = Enumerable.Range(0, 10).Select(c => $"digit{c}").ToArray();
        AssertAgreesWithOnnx(result, picture, zoo.GrayMlp, Enumerable.Repeat(luma, 28 * 28).ToArray(), [1, 1, 28, 28], names);
    }

    [Fact]
    public void A_row_of_257_features_is_classified_as_onnx_runtime_classifies_it()
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 257).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        string row = string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var result = Predict("--checkpoint", zoo.CsvMlp, "--row", row);
        string onnx = Path.Combine(zoo.Scratch("row"), "table.onnx");
        Assert.Equal(0, Cli.Run("export", "--checkpoint", zoo.CsvMlp, "--out", onnx).ExitCode);
        var expected = UserDataCheckpoints.Softmax(UserDataCheckpoints.OnnxLogits(onnx, values, [1, 257]));
        var (predicted, printed) = Parse(result, "row", null);
        Assert.Equal(3, printed.Length);
        for (int c = 0; c < 3; c++) Assert.True(Math.Abs(expected[c] - printed[c]) <= 6e-5, result.ToString());
        Assert.Equal(Array.IndexOf(expected, expected.Max()).ToString(CultureInfo.InvariantCulture), predicted);
    }

    [Fact]
    public void Each_wrong_input_is_one_line_before_any_device()
    {
        string picture = WriteSolid(Path.Combine(zoo.Scratch("refusals"), "p.png"), SKColors.White, 2, 2);
        void Refused(int code, string expected, params string[] args)
        {
            var result = Predict(args);
            Assert.True(result.ExitCode == code, result.ToString());
            Assert.Equal("error: " + expected, result.SingleErrorLine());
            Assert.Equal("", result.Stdout);
        }
        Refused(2, $"--image classifies a picture, and '{zoo.CsvMlp}' holds a model of rows of 257 features, 3 classes; give the row with --row V1,V2,... (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--image", picture);
        Refused(2, $"--row classifies a table row, and '{zoo.RgbMlp}' holds a model of 3x6x9 images, 3 classes; give a picture with --image (see 'trainer predict --help')",
            "--checkpoint", zoo.RgbMlp, "--row", "1,2");
        Refused(2, "--row has 256 value(s), and the model takes rows of 257 features (the feature columns in file order, without the label) (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--row", string.Join(",", Enumerable.Repeat("1", 256)));
        Refused(2, "--row value 3 ('x') is not a finite number (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--row", string.Join(",", Enumerable.Repeat("1", 2).Append("x").Concat(Enumerable.Repeat("1", 254))));
        Refused(2, "--row value 1 ('1e39') is not a finite number (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--row", string.Join(",", Enumerable.Repeat("1e39", 257)));
        Refused(2, "--image and --row each give one example to classify; give one of them (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--row", "1", "--image", picture);
        Refused(2, "--count applies to test batches, not to --row (see 'trainer predict --help')",
            "--checkpoint", zoo.CsvMlp, "--row", "1", "--count", "3");
        string notImage = Path.Combine(zoo.Scratch("refusals2"), "notes.png");
        File.WriteAllText(notImage, "not a picture");
        var bad = Predict("--checkpoint", zoo.RgbMlp, "--image", notImage);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith($"error: {notImage}: ", bad.SingleErrorLine());
        Assert.Equal("", bad.Stdout);
    }

    [Fact]
    public void A_gray_folder_model_of_mnists_shape_is_refused_on_idx_digits_normalised_otherwise()
    {
        foreach (string command in new[] { "eval", "predict" })
        {
            var result = Cli.Run(command, "--device", "cpu", "--checkpoint", zoo.GrayMlp);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"error: {zoo.GrayMlp}: its images were normalised with mean 0.5, std 0.5 in training, and --data's images are normalised with mean 0.1307, std 0.3081; give data of the format it was trained on",
                result.SingleErrorLine());
            Assert.Equal("", result.Stdout);
        }
    }

    [Fact]
    public void A_checkpoint_whose_names_differ_from_the_datas_is_refused_by_predict_and_resume_naming_both()
    {
        string data = zoo.Scratch("renamed");
        foreach (string split in new[] { "train", "test" })
            foreach (string name in new[] { "ant", "bee", "cow" })
                ImageFolderTree.WriteRgb(Path.Combine(data, split, name), "0.png", image: 1, height: 6, width: 9);
        foreach (var result in new[]
        {
            Predict("--checkpoint", zoo.RgbMlp, "--data", data),
            Cli.Run("train", "--device", "cpu", "--data", data, "--resume", zoo.RgbMlp, "--epochs", "2", "--progress", "none"),
        })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"error: {zoo.RgbMlp}: its classes are cat, dog, red fox, and --data names ant, bee, cow", result.SingleErrorLine());
            Assert.Equal("", result.Stdout);
        }
    }
}
