using System.Globalization;
using System.Text.RegularExpressions;
using Trainer.Training.Tests.Data;

namespace Trainer.Cli.Tests;

/// <summary>
/// `--data` with what users bring (issue 20): image folders, CIFAR binary files and CSV tables are recognised and named
/// on the first line, models are sized from them (LeNet on 3x32x32 CIFAR), checkpoints remember the size for eval, and
/// every bad input is one line and exit 1 before any device is opened.
/// </summary>
public class DataFormatCommandTests
{
    private static CliResult Train(string data, params string[] more) =>
        Cli.Run(["train", "--data", data, "--device", "cpu", "--epochs", "1", "--batch-size", "8", "--progress", "none", .. more]);

    private static void AssertDataError(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(expected, result.SingleErrorLine());
        Assert.Equal("", result.Stdout); // checked before the device is opened or anything printed
    }

    /// <summary>DIR/train/&lt;class&gt;/*.png and DIR/test/&lt;class&gt;/*.png: <paramref name="perClass"/> gray 8x8 images per class, whose brightness tells the class.</summary>
    private static void WriteFolders(string root, int classes, int perClass)
    {
        foreach (string split in new[] { "train", "test" })
            for (int c = 0; c < classes; c++)
                for (int i = 0; i < perClass; i++)
                    ImageFolderTree.WriteGray(Path.Combine(root, split, $"class{c}"), $"{i}.png", image: c * 100 + i, height: 8, width: 8);
    }

    [Fact]
    public void Image_folders_without_class_folders_are_one_line()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("train"));
        Directory.CreateDirectory(dir.File("test"));
        string split = Path.Combine(Path.GetFullPath(dir.Path), "train");
        AssertDataError(Train(dir.Path),
            $"error: image folder '{split}': no class folders, expected {split}/<class>/*.png (or .png, .jpg, .jpeg, .bmp, .gif, .webp), one folder per class");
    }

    [Fact]
    public void A_class_without_images_is_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        WriteFolders(dir.Path, classes: 2, perClass: 1);
        Directory.CreateDirectory(dir.File("train/class2"));
        Directory.CreateDirectory(dir.File("test/class2"));
        File.WriteAllText(dir.File("train/class2/notes.txt"), "not an image");
        var result = Train(dir.Path);
        string train = Path.Combine(Path.GetFullPath(dir.Path), "train");
        AssertDataError(result, $"error: image folder '{train}': class 'class2' has no images (.png, .jpg, .jpeg, .bmp, .gif, .webp) in {train}/class2");
    }

    [Fact]
    public void An_undecodable_image_among_good_ones_is_named_and_skip_bad_images_counts_it()
    {
        using var dir = new TempDirectory();
        WriteFolders(dir.Path, classes: 2, perClass: 3);
        string bad = Path.Combine(Path.GetFullPath(dir.Path), "train", "class1", "broken.png");
        File.WriteAllBytes(bad, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);

        var refused = Train(dir.Path, "--model", "mlp");
        Assert.Equal(1, refused.ExitCode);
        string line = refused.SingleErrorLine();
        Assert.Equal($"error: {bad}: not an image SkiaSharp can decode (expected PNG, JPEG, BMP...) (one of 7 images in '{Path.GetDirectoryName(Path.GetDirectoryName(bad))}'; --skip-bad-images leaves such files out)", line);
        Assert.Equal("", refused.Stdout);

        var skipped = Train(dir.Path, "--model", "mlp", "--skip-bad-images");
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal("found image folders: 7 train / 6 test images, 2 classes, gray 8x8; skipped 1 image(s) that cannot be decoded (--skip-bad-images)",
            skipped.StdoutLines[0]);
        Assert.Contains("data: " + Path.GetFullPath(dir.Path) + " (6 train, 6 test)", skipped.Stdout);
    }

    /// <summary>CIFAR-10 files of <paramref name="records"/> records each: a label byte (row % 10) and 3072 pixel bytes.</summary>
    private static void WriteCifar(string directory, int records)
    {
        var random = new Random(5);
        foreach (string name in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
        {
            var bytes = new byte[records * 3073];
            random.NextBytes(bytes);
            for (int r = 0; r < records; r++) bytes[r * 3073] = (byte)(r % 10);
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }

    private static readonly string[] CifarNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// CIFAR-10's batches.meta.txt (ten names, then blank lines as in the official archive) names the classes: the checkpoint
    /// records them and predict prints them; without the file there are no names; a file of nine names is one line naming it.
    /// </summary>
    [Fact]
    public void Cifar_label_names_are_recorded_and_printed_and_a_wrong_names_file_is_one_line()
    {
        using var dir = new TempDirectory();
        string data = Directory.CreateDirectory(dir.File("cifar")).FullName;
        WriteCifar(data, records: 7);
        var unnamed = Train(data, "--model", "mlp", "--save", dir.File("plain"));
        Assert.True(unnamed.ExitCode == 0, unnamed.ToString());
        Assert.False(Trainer.Training.Checkpoints.SafeTensors.Read(dir.File("plain/last.safetensors")).Metadata.ContainsKey("class_names"));

        string names = Path.Combine(data, "batches.meta.txt");
        File.WriteAllText(names, string.Join("\n", CifarNames) + "\n\n");
        var trained = Train(data, "--model", "mlp", "--save", dir.File("named"));
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var metadata = Trainer.Training.Checkpoints.SafeTensors.Read(dir.File("named/last.safetensors")).Metadata;
        Assert.Equal("[" + string.Join(",", CifarNames.Select(n => $"\"{n}\"")) + "]", metadata["class_names"]);
        var predicted = Cli.Run("predict", "--checkpoint", dir.File("named/last.safetensors"), "--data", data, "--device", "cpu", "--count", "7");
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        string pattern = $"({string.Join("|", CifarNames)})";
        Assert.Matches($"^Predicted: \"\\[{pattern}(, {pattern}){{6}}\\]\", Actual: \"\\[airplane, automobile, bird, cat, deer, dog, frog\\]\"$", predicted.StdoutLines[^1]);

        File.WriteAllText(names, string.Join("\n", CifarNames[..9]) + "\n");
        AssertDataError(Train(data, "--model", "mlp"), $"error: {names}: 9 names for 10 classes, expected one name per class (the class names, one a line)");
        File.WriteAllText(names, string.Join("\n", CifarNames[..4]) + "\n\n" + string.Join("\n", CifarNames[4..]));
        AssertDataError(Train(data, "--model", "mlp"), $"error: {names}: line 5 is blank, expected a class name on each line (the class names, one a line)");
    }

    /// <summary>CIFAR-100's fine_label_names.txt (beside train.bin, as in cifar-100-binary/) names the 100 fine classes; 99 names are one line.</summary>
    [Fact]
    public void Cifar100_fine_label_names_are_recorded()
    {
        using var dir = new TempDirectory();
        string data = Directory.CreateDirectory(dir.File("cifar-100-binary")).FullName;
        var random = new Random(3);
        foreach (string name in new[] { "train.bin", "test.bin" })
        {
            var bytes = new byte[5 * 3074];
            random.NextBytes(bytes);
            for (int r = 0; r < 5; r++) (bytes[r * 3074], bytes[r * 3074 + 1]) = ((byte)(r % 20), (byte)(r * 19 % 100));
            File.WriteAllBytes(Path.Combine(data, name), bytes);
        }
        var names = Enumerable.Range(0, 100).Select(i => $"fine {i}").ToArray();
        File.WriteAllText(Path.Combine(data, "coarse_label_names.txt"), string.Join("\n", Enumerable.Range(0, 20).Select(i => $"coarse {i}")) + "\n");
        File.WriteAllText(Path.Combine(data, "fine_label_names.txt"), string.Join("\n", names) + "\n");
        var trained = Train(data, "--model", "mlp", "--save", dir.File("run"));
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var metadata = Trainer.Training.Checkpoints.SafeTensors.Read(dir.File("run/last.safetensors")).Metadata;
        Assert.Equal(names, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["class_names"]));

        File.WriteAllText(Path.Combine(data, "fine_label_names.txt"), string.Join("\n", names[1..]));
        AssertDataError(Train(data, "--model", "mlp"), $"error: {Path.Combine(data, "fine_label_names.txt")}: 99 names for 100 classes, expected one name per class (the class names, one a line)");
    }

    [Fact]
    public void An_image_folder_class_name_with_a_control_character_is_one_line()
    {
        using var dir = new TempDirectory();
        WriteFolders(dir.Path, classes: 2, perClass: 1);
        foreach (string split in new[] { "train", "test" })
            Directory.Move(dir.File($"{split}/class1"), dir.File($"{split}/class\tone"));
        string train = Path.Combine(Path.GetFullPath(dir.Path), "train");
        AssertDataError(Train(dir.Path, "--model", "mlp"),
            $"error: image folder '{train}': class folder name 0 holds the control character U+0009; class names are recorded in checkpoints and printed by predict");
    }

    [Fact]
    public void A_cifar_file_that_is_not_whole_records_is_one_line()
    {
        using var dir = new TempDirectory();
        WriteCifar(dir.Path, records: 2);
        string file = Path.Combine(Path.GetFullPath(dir.Path), "data_batch_3.bin");
        File.WriteAllBytes(file, new byte[2 * 3073 + 5]);
        var result = Train(dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches($"^error: {Regex.Escape(file)}: .*6151.*3073", result.SingleErrorLine());
        Assert.Equal("", result.Stdout);
    }

    /// <summary>
    /// LeNet sized from CIFAR's 3x32x32 and 10 classes trains, and `eval` rebuilds that model from the checkpoint's metadata and
    /// reproduces the run's last test figures exactly; the same checkpoint against 28x28 digits is refused in one line.
    /// </summary>
    [Fact]
    public void Lenet_trains_on_cifar_and_eval_rebuilds_it_from_the_checkpoint()
    {
        using var dir = new TempDirectory();
        string data = Directory.CreateDirectory(dir.File("cifar")).FullName;
        WriteCifar(data, records: 7);
        string run = dir.File("run");
        var trained = Train(data, "--model", "lenet", "--save", run);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.Equal("found CIFAR-10 binary: 35 train / 7 test images, 10 classes", trained.StdoutLines[0]);
        string lastTest = trained.StdoutLines.Last(l => l.StartsWith(" Accuracy:", StringComparison.Ordinal));

        var evaluated = Cli.Run("eval", "--checkpoint", Path.Combine(run, "last.safetensors"), "--data", data, "--device", "cpu");
        Assert.True(evaluated.ExitCode == 0, evaluated.ToString());
        Assert.Equal("found CIFAR-10 binary: 35 train / 7 test images, 10 classes", evaluated.StdoutLines[0]);
        Assert.Equal(lastTest, evaluated.StdoutLines.Single(l => l.StartsWith(" Accuracy:", StringComparison.Ordinal)));

        var mismatched = Cli.Run("eval", "--checkpoint", Path.Combine(run, "last.safetensors"), "--device", "cpu");
        Assert.Equal(1, mismatched.ExitCode);
        Assert.EndsWith("its model was sized for 3x32x32 images, 10 classes, and --data holds 1x28x28 images, 10 classes", mismatched.SingleErrorLine());

        var exported = Cli.Run("export", "--checkpoint", Path.Combine(run, "last.safetensors"), "--out", dir.File("lenet.onnx"));
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Equal($"wrote lenet (10 classes, opset 17, input input [N,3,32,32] normalised float32, output logits [N,10]) to {dir.File("lenet.onnx")}", exported.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public void A_csv_cell_that_is_not_a_number_is_named_by_row_and_column()
    {
        using var dir = new TempDirectory();
        string csv = Path.GetFullPath(dir.File("table.csv"));
        File.WriteAllText(csv, "a,b,label\n1,2,0\n3,x7,1\n");
        AssertDataError(Train(csv), $"error: {csv}:3: column 'b' (2): 'x7' is not a number");
    }

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        using var dir = new TempDirectory();
        string csv = Path.GetFullPath(dir.File("table.csv"));
        File.WriteAllText(csv, "a,b,class\n1,2,0\n3,4,1\n");
        AssertDataError(Train(csv), $"error: {csv}: no label column 'label'; the header has 'a', 'b', 'class'");
        AssertDataError(Train(csv, "--label-column", "kind"), $"error: {csv}: no label column 'kind'; the header has 'a', 'b', 'class'");
    }

    /// <summary>
    /// A table the MLP can learn (the class is which of two features is larger) trains from the features as they are; every
    /// fifth row is the test split; LeNet is refused for a table.
    /// </summary>
    [Fact]
    public void A_csv_table_trains_the_mlp_on_its_features()
    {
        using var dir = new TempDirectory();
        string csv = Path.GetFullPath(dir.File("table.csv"));
        var random = new Random(3);
        var lines = new List<string> { "x,kind,y,z" };
        for (int i = 0; i < 65; i++)
        {
            double x = random.NextDouble(), y = random.NextDouble(), z = random.NextDouble();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x:R},{(x > y ? 1 : 0)},{y:R},{z:R}"));
        }
        File.WriteAllLines(csv, lines);

        var result = Train(csv, "--label-column", "kind", "--epochs", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"found CSV: 65 rows, 4 columns; every fifth row held out for testing: 52 train / 13 test, label column 'kind', 3 features, 2 classes",
            result.StdoutLines[0]);
        Assert.Contains($"data: {csv} (52 train, 13 test)", result.Stdout);

        AssertDataError(Train(csv, "--label-column", "kind", "--model", "lenet"),
            $"error: {csv}: --model lenet takes images, and the data holds rows of 3 features, 2 classes; use --model mlp for tables");
    }

    /// <summary>
    /// compare on data of another format: ResNet-8 sized from CIFAR records (3x32x32) and an MLP on a CSV table with its
    /// label column, eager against the unfused graph with the same losses to the bit; what was found is the first line,
    /// and a bad table is one line before any device work.
    /// </summary>
    [Fact]
    public void Compare_runs_on_every_data_format_train_reads()
    {
        using var dir = new TempDirectory();
        WriteCifar(dir.Path, records: 7);
        var cifar = Cli.Run("compare", "--data", dir.Path, "--model", "resnet8", "--optimizer", "momentum", "--batch-size", "3",
            "--warmup", "1", "--steps", "3", "--no-fuse", "--device", "cpu");
        Assert.True(cifar.ExitCode == 0, cifar.ToString());
        Assert.Equal("found CIFAR-10 binary: 35 train / 7 test images, 10 classes", cifar.StdoutLines[0]);
        Assert.Contains(cifar.StdoutLines, l => l.StartsWith("max loss difference: 0 over ", StringComparison.Ordinal));

        string csv = Path.GetFullPath(dir.File("table.csv"));
        var random = new Random(9);
        var lines = new List<string> { "x,kind,y" };
        for (int i = 0; i < 65; i++)
        {
            double x = random.NextDouble(), y = random.NextDouble();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x:R},{(x > y ? 1 : 0)},{y:R}"));
        }
        File.WriteAllLines(csv, lines);
        var table = Cli.Run("compare", "--data", csv, "--label-column", "kind", "--batch-size", "7", "--warmup", "1", "--steps", "5", "--no-fuse", "--device", "cpu");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("found CSV: 65 rows, 3 columns;", table.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.StdoutLines, l => l.StartsWith("max loss difference: 0 over ", StringComparison.Ordinal));

        File.WriteAllText(csv, "a,b,label\n1,2,0\n3,x,1\n");
        var bad = Cli.Run("compare", "--data", csv, "--device", "cpu");
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Equal($"error: {csv}:3: column 'b' (2): 'x' is not a number", bad.StderrLines[0]);
    }

    /// <summary>`--augment` (RandomCrop and RandomHorizontalFlip on the worker threads) changes what is trained on, the same way every run; IDX data refuses it.</summary>
    [Fact]
    public void Augment_changes_the_training_images_reproducibly()
    {
        using var dir = new TempDirectory();
        WriteCifar(dir.Path, records: 4);
        string[] Losses(CliResult r)
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            return r.StdoutLines.Where(l => l.StartsWith(" Accuracy:", StringComparison.Ordinal)).ToArray();
        }
        var plain = Losses(Train(dir.Path, "--model", "lenet", "--epochs", "2", "--optimizer", "momentum"));
        var augmented = Losses(Train(dir.Path, "--model", "lenet", "--epochs", "2", "--optimizer", "momentum", "--augment"));
        var again = Losses(Train(dir.Path, "--model", "lenet", "--epochs", "2", "--optimizer", "momentum", "--augment"));
        Assert.NotEqual(plain, augmented);
        Assert.Equal(augmented, again);

        var idx = Cli.Run("train", "--augment", "--device", "cpu");
        Assert.Equal(2, idx.ExitCode);
        Assert.Equal("error: --augment applies to images other than MNIST IDX data (CIFAR, image folders); built-in mnist-10k holds IDX files", idx.SingleErrorLine());
    }

    /// <summary>train.csv with test.csv beside it is a train/test pair; a test.csv with other feature columns is refused in one line.</summary>
    [Fact]
    public void Train_csv_with_test_csv_beside_it_is_a_pair()
    {
        using var dir = new TempDirectory();
        string train = Path.GetFullPath(dir.File("train.csv")), test = Path.GetFullPath(dir.File("test.csv"));
        File.WriteAllText(train, "a,b,label\n0.1,0.9,0\n0.8,0.2,1\n0.3,0.7,0\n0.6,0.1,1\n0.2,0.4,0\n0.9,0.3,1\n0.0,0.5,2\n");
        File.WriteAllText(test, "a,b,label\n0.2,0.8,0\n0.7,0.1,1\n");
        var result = Train(train);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"found CSV: 7 rows, 3 columns; test split {test} (2 rows), label column 'label', 2 features, 3 classes", result.StdoutLines[0]);
        Assert.Contains($"data: {train} (7 train, 2 test)", result.Stdout);

        File.WriteAllText(test, "b,a,label\n0.2,0.8,0\n");
        AssertDataError(Train(train), $"error: {test}: its feature columns (b, a) differ from {train}'s (a, b)");
    }
}
