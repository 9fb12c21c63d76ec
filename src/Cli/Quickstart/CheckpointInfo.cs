using System.Globalization;
using Trainer.Training.Checkpoints;

namespace Trainer.Cli.Quickstart;

/// <summary>
/// What a training checkpoint's metadata says about the run that wrote it: the model, the
/// optimizer and its settings, the seed and batch size, and how far training had got
/// (<see cref="Epoch"/> epochs finished and <see cref="Batch"/> batches into the next). A file
/// without metadata, or whose <c>format</c> is another tool's (<c>pt</c> from PyTorch's and Hugging Face's
/// safetensors, <c>ms</c> from MindSpore), holds weights only: it reads as an MLP with nothing known about its run.
/// </summary>
public sealed record CheckpointInfo
{
    /// <summary>The <c>format</c> this version of the trainer writes.</summary>
    public const string Format = FormatFamily + "1";

    /// <summary>What every version of the trainer's own format starts with.</summary>
    public const string FormatFamily = "trainer-checkpoint/";

    /// <summary>The network the weights belong to.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mlp;
    /// <summary>The example shape and class count the model was sized for (metadata <c>input</c> and <c>classes</c>); a file without them is <see cref="ModelInput.Mnist"/>.</summary>
    public ModelInput Input { get; init; } = ModelInput.Mnist;

    /// <summary>The names of the classes in label order, when the data named them (image folders, CIFAR's label-name files; metadata <c>class_names</c>); null when it did not (IDX, CSV) or the file predates them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The pixel normalisation the run recorded (metadata <c>pixel_mean</c>, <c>pixel_std</c>): written for image data other than IDX, null otherwise.</summary>
    public PixelNormalization? Pixels { get; init; }

    /// <summary>
    /// How the model's images were normalised in training: <see cref="Pixels"/> when recorded, else MNIST's for a model of MNIST's
    /// shape (IDX data, and every file from before the record) and the image formats' 0.5/0.5 for other image shapes; null for a table model.
    /// </summary>
    public PixelNormalization? Normalization => Input.IsTabular ? null
        : Pixels ?? (Input == ModelInput.Mnist ? PixelNormalization.Mnist : PixelNormalization.ImageFormats);

    /// <summary>The probability of the model's Dropout before each hidden Dense; 0 for none (then the metadata has no <c>dropout</c>).</summary>
    public float Dropout { get; init; }
    /// <summary>The optimizer and its settings (its state is in the file under <see cref="TrainingCheckpoint.OptimizerPrefix"/>).</summary>
    public OptimizerOptions Optimizer { get; init; } = OptimizerOptions.Default;
    /// <summary>The learning rate the run trained with.</summary>
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>The seed of the run (initial weights and shuffling).</summary>
    public ulong Seed { get; init; }
    /// <summary>The batch size of the run.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Epochs finished when it was written.</summary>
    public int Epoch { get; init; }

    /// <summary>Batches of epoch <see cref="Epoch"/> (0-based) already trained: 0 at an epoch's end.</summary>
    public int Batch { get; init; }

    /// <summary>Training steps taken in all.</summary>
    public long Step { get; init; }

    /// <summary>Whether the file carries a trainer run's metadata (and so can be resumed).</summary>
    public bool FromTrainer { get; init; }

    /// <summary>The metadata entries the file stores, every value as text.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = Entries();
        if (Dropout > 0f) metadata["dropout"] = F(Dropout);
        if (ClassNames is not null) metadata[ClassNameList.MetadataKey] = ClassNameList.ToMetadata(ClassNames);
        if (Pixels is not null)
        {
            metadata[PixelNormalization.MeanKey] = F(Pixels.Mean);
            metadata[PixelNormalization.StdKey] = F(Pixels.Std);
        }
        return metadata;
    }

    private Dictionary<string, string> Entries() => new()
    {
        ["format"] = Format,
        ["model"] = ModelKinds.Name(Model),
        ["optimizer"] = OptimizerKinds.Name(Optimizer.Kind),
        ["learning_rate"] = F(LearningRate),
        ["momentum"] = F(Optimizer.Momentum),
        ["weight_decay"] = F(Optimizer.WeightDecay),
        ["beta1"] = F(Optimizer.Beta1),
        ["beta2"] = F(Optimizer.Beta2),
        ["epsilon"] = F(Optimizer.Epsilon),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
        ["batch"] = Batch.ToString(CultureInfo.InvariantCulture),
        ["step"] = Step.ToString(CultureInfo.InvariantCulture),
        ["input"] = Input.ShapeText,
        ["classes"] = Input.Classes.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the metadata of <paramref name="path"/>; each bad field is a one-line <see cref="CheckpointException"/> naming the file and the key.</summary>
    public static CheckpointInfo FromMetadata(string path, IReadOnlyDictionary<string, string> metadata)
    {
        // Without a format, a 'model' naming one of ours says which; any other value is another tool's and ignored.
        if (!metadata.TryGetValue("format", out var format))
            return new CheckpointInfo { Model = metadata.TryGetValue("model", out var m) && ModelKinds.TryParse(m, out var named) ? named : ModelKind.Mlp };
        // Another tool's file ("pt" from PyTorch's and Hugging Face's safetensors, "ms" from MindSpore, anything
        // else): weights only, its metadata kept and ignored. Only a later version of our own format is refused.
        if (format != Format && format.StartsWith(FormatFamily, StringComparison.Ordinal))
            throw new CheckpointException(path, $"metadata 'format' is '{format}', a version this trainer cannot read (it reads '{Format}')");
        if (format != Format)
            return new CheckpointInfo();
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new CheckpointException(path, $"metadata has no '{key}', which a {Format} file needs");
        float Float(string key)
        {
            string v = Get(key);
            return float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f) ? f
                : throw new CheckpointException(path, $"metadata '{key}' is '{v}', expected a finite number");
        }
        long Long(string key, long max)
        {
            string v = Get(key);
            return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max ? n
                : throw new CheckpointException(path, $"metadata '{key}' is '{v}', expected a whole number from 0 to {max}");
        }
        string seed = Get("seed");
        if (!ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out var seedValue))
            throw new CheckpointException(path, $"metadata 'seed' is '{seed}', expected a whole number");
        string optimizer = Get("optimizer");
        if (!OptimizerKinds.TryParse(optimizer, out var kind))
            throw new CheckpointException(path, $"metadata 'optimizer' is '{optimizer}', expected sgd, momentum or adam");
        int batchSize = (int)Long("batch_size", int.MaxValue);
        if (batchSize == 0) throw new CheckpointException(path, $"metadata 'batch_size' is 0, expected a positive number");
        // The ranges the optimizers' constructors demand, checked here so a bad file is the file's error, not an internal one.
        float InRange(string key, bool ok, string expected)
        {
            float v = Float(key);
            return ok ? v : throw new CheckpointException(path, $"metadata '{key}' is '{Get(key)}', expected {expected}");
        }
        float Fraction(string key) { float v = Float(key); return InRange(key, v >= 0f && v < 1f, "a number at least 0 and below 1"); }
        float Positive(string key) { float v = Float(key); return InRange(key, v > 0f, "a positive number"); }
        float NonNegative(string key) { float v = Float(key); return InRange(key, v >= 0f, "a number at least 0"); }
        var input = ParseInput(path, metadata);
        IReadOnlyList<string>? classNames = null;
        if (metadata.TryGetValue(ClassNameList.MetadataKey, out var namesText))
            classNames = ClassNameList.FromMetadata(namesText, input.Classes, out string problem)
                ?? throw new CheckpointException(path, $"metadata '{ClassNameList.MetadataKey}': {problem}");
        PixelNormalization? pixels = null;
        if (metadata.ContainsKey(PixelNormalization.MeanKey) || metadata.ContainsKey(PixelNormalization.StdKey))
        {
            if (input.IsTabular)
                throw new CheckpointException(path, $"metadata '{PixelNormalization.MeanKey}' is for image models; this one takes {input}");
            pixels = new PixelNormalization(Float(PixelNormalization.MeanKey), Positive(PixelNormalization.StdKey));
        }
        return new CheckpointInfo
        {
            Model = ParseModel(path, Get("model")),
            Dropout = metadata.ContainsKey("dropout") ? Fraction("dropout") : 0f,
            Optimizer = new OptimizerOptions
            {
                Kind = kind, Momentum = Fraction("momentum"), WeightDecay = NonNegative("weight_decay"),
                Beta1 = Fraction("beta1"), Beta2 = Fraction("beta2"), Epsilon = Positive("epsilon"),
            },
            LearningRate = Positive("learning_rate"),
            Seed = seedValue,
            BatchSize = batchSize,
            Epoch = (int)Long("epoch", int.MaxValue),
            Batch = (int)Long("batch", int.MaxValue),
            Step = Long("step", long.MaxValue),
            Input = input,
            ClassNames = classNames,
            Pixels = pixels,
            FromTrainer = true,
        };
    }

    /// <summary>The metadata's <c>input</c> and <c>classes</c>, both or neither (a file written before they were recorded: MNIST's).</summary>
    private static ModelInput ParseInput(string path, IReadOnlyDictionary<string, string> metadata)
    {
        bool hasInput = metadata.TryGetValue("input", out var shape), hasClasses = metadata.TryGetValue("classes", out var classes);
        if (!hasInput && !hasClasses) return ModelInput.Mnist;
        if (!hasInput || !hasClasses)
            throw new CheckpointException(path, $"metadata has '{(hasInput ? "input" : "classes")}' but no '{(hasInput ? "classes" : "input")}'; a model is sized from both");
        if (!int.TryParse(classes, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || count > MaxClasses)
            throw new CheckpointException(path, $"metadata 'classes' is '{classes}', expected a whole number from 1 to {MaxClasses}");
        return ModelInput.TryParse(shape!, count, out var input) ? input
            : throw new CheckpointException(path, $"metadata 'input' is '{shape}', expected CxHxW (e.g. 3x32x32) or a feature count, each positive");
    }

    /// <summary>The most classes a checkpoint's metadata may name.</summary>
    public const int MaxClasses = 1 << 20;

    private static ModelKind ParseModel(string path, string name) =>
        ModelKinds.TryParse(name, out var kind) ? kind
            : throw new CheckpointException(path, $"metadata 'model' is '{name}', expected {string.Join(", ", ModelKinds.Names)}");

    private static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
