using Trainer.Training.Hosting;

namespace Trainer.Cli;

/// <summary>The options several commands share, described once.</summary>
public static class CommonOptions
{
    public static readonly CommandOption Device = new("--device", "NAME", $"{DeviceRequest.Choices}, see Devices below (default auto)");
    public static readonly CommandOption Threads = new("--threads", "N", "worker threads of --device cpu, at most 1024 (default one per core)");
    public static readonly CommandOption Data = new("--data", "PATH", "MNIST IDX files (raw or .gz), CIFAR-10/100 binary files or train/ and test/ image folders in a directory, or a .csv file; the format is detected (default the built-in 10,000-digit set)");
    public static readonly CommandOption LabelColumn = new("--label-column", "NAME", "the class label column of a --data .csv file (default label)");
    public static readonly CommandOption SkipBadImages = new("--skip-bad-images", null, "leave out and count image files that cannot be decoded, instead of stopping (default stop)");
    public static readonly CommandOption BatchSize = new("--batch-size", "N", "images per batch (default 64)");
    public static readonly CommandOption Seed = new("--seed", "N", "random seed (default 0)");
    public static readonly CommandOption Optimizer = new("--optimizer", "NAME", "sgd, momentum or adam (default sgd)");
    public static readonly CommandOption Momentum = new("--momentum", "M", "momentum's m, at least 0 and below 1; --optimizer momentum only (default 0.9)");
    public static readonly CommandOption WeightDecay = new("--weight-decay", "W", "adds w*p to every gradient; --optimizer momentum or adam only (default 0)");
    public static readonly CommandOption Model = new("--model", "NAME", "mlp, lenet or resnet8 (default mlp)");
    public static readonly CommandOption Dropout = new("--dropout", "P", "a Dropout before each hidden Dense, zeroing with probability P in training, at least 0 and below 1 (default 0: none)");
    public static readonly CommandOption NoFuse = new("--no-fuse", null, "compile the graph without fusion (default fused)");
    public static readonly CommandOption CudaGraph = new("--cuda-graph", "MODE", "on: replay each compiled step as one CUDA graph, falling back to direct launches with a warning; off: launch directly (default off until a GPU run has verified replay)");

    /// <summary>`--cuda-graph on|off` as true or false; null when not given (the device decides).</summary>
    public static bool? ReadCudaGraph(ArgumentReader r) =>
        r.Has("--cuda-graph") ? r.Choice("--cuda-graph", "on", "on", "off") == "on" : null;
}
