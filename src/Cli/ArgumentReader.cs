using System.Globalization;
using Trainer.Cli.Quickstart;
using Trainer.Training.Hosting;
using Trainer.Training.Optim;
using Trainer.Training.Loops;

namespace Trainer.Cli;

/// <summary>
/// Reads `--flag value` and `--switch` arguments for one command, with errors that name the flag
/// and say what was expected. Hand-written rather than a parsing library so that every message
/// and exit code is exactly what the documentation and tests say.
/// </summary>
public sealed class ArgumentReader
{
    private readonly string command;
    private readonly Dictionary<string, string?> values = [];
    private readonly Dictionary<string, List<string>> repeated = [];

    public ArgumentReader(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags, IReadOnlyCollection<string> switches)
    {
        this.command = command;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            if (valueFlags.Contains(arg))
            {
                string? value = inline;
                if (value is null)
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        throw Error($"{arg} needs a value");
                    value = args[++i];
                }
                if (value.Length == 0) throw Error($"{arg} needs a value");
                values[arg] = value;
                if (!repeated.TryGetValue(arg, out var all)) repeated[arg] = all = [];
                all.Add(value);
            }
            else if (switches.Contains(arg))
            {
                if (inline is not null) throw Error($"{arg} takes no value");
                values[arg] = null;
            }
            else
            {
                throw Error(arg.StartsWith('-')
                    ? $"unknown option '{arg}'{Suggestion.Hint(arg, valueFlags.Concat(switches))}"
                    : $"unexpected argument '{arg}'{FlagHint(arg, valueFlags)}");
            }
        }
    }

    /// <summary>
    /// For a file given without its flag ("trainer eval run/last.safetensors"), the flag this command
    /// takes such a file with, judged by the extension; empty when there is none.
    /// </summary>
    private static string FlagHint(string arg, IReadOnlyCollection<string> valueFlags)
    {
        string? flag = Path.GetExtension(arg).ToLowerInvariant() switch
        {
            ".safetensors" or ".ckpt" => "--checkpoint",
            ".png" or ".jpg" or ".jpeg" or ".bmp" => "--image",
            ".jsonl" => "--metrics",
            _ => null,
        };
        return flag is not null && valueFlags.Contains(flag) ? $"; give it as {flag} {arg}" : "";
    }

    public UsageException Error(string message) => new($"{message} (see 'trainer {command} --help')");

    public bool Has(string flag) => values.ContainsKey(flag);

    public string? String(string flag) => values.TryGetValue(flag, out var v) ? v : null;

    /// <summary>Every value given to a repeatable flag, in order (<see cref="String"/> gives the last one).</summary>
    public IReadOnlyList<string> Strings(string flag) => repeated.TryGetValue(flag, out var all) ? all : [];

    public int PositiveInt(string flag, int fallback)
    {
        if (String(flag) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v <= 0)
            throw Error($"{flag} must be a positive integer, got '{text}'");
        return v;
    }

    public int NonNegativeInt(string flag, int fallback)
    {
        if (String(flag) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 0)
            throw Error($"{flag} must be a non-negative integer, got '{text}'");
        return v;
    }

    public ulong Seed(string flag, ulong fallback)
    {
        if (String(flag) is not { } text) return fallback;
        if (!ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v))
            throw Error($"{flag} must be a non-negative integer, got '{text}'");
        return v;
    }

    public float PositiveFloat(string flag, float fallback)
    {
        if (String(flag) is not { } text) return fallback;
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !(v > 0) || float.IsInfinity(v))
            throw Error($"{flag} must be a positive number, got '{text}'");
        return v;
    }

    /// <summary>
    /// --device NAME and --threads N: the name one of <see cref="DeviceRequest.Choices"/>; the thread
    /// count positive, at most 1024, and an error with a device that has no worker threads to set
    /// (cuda, opencl, ilgpu-cpu) rather than ignored.
    /// </summary>
    public DeviceRequest Device(string flag = "--device", string threadsFlag = "--threads")
    {
        var device = DeviceRequest.Auto;
        if (String(flag) is { } text && !DeviceRequest.TryParse(text, out device))
            throw Error($"{flag} must be one of {DeviceRequest.Choices}, got '{text}'");
        if (!Has(threadsFlag)) return device;
        int threads = PositiveInt(threadsFlag, 0);
        if (threads > 1024) throw Error($"{threadsFlag} must be at most 1024, got '{threads}'");
        if (!device.HasWorkerThreads)
            throw Error($"{threadsFlag} sets the native cpu backend's worker threads and does not apply to --device {device.Name}");
        return device.WithThreads(threads);
    }

    /// <summary>
    /// --optimizer sgd|momentum|adam, --momentum M (momentum only, at least 0 and below 1, default
    /// 0.9) and --weight-decay W (momentum and adam, non-negative, default 0): a flag the chosen
    /// optimizer does not take is an error rather than ignored.
    /// </summary>
    public OptimizerOptions Optimizer(string flag = "--optimizer", string momentumFlag = "--momentum", string decayFlag = "--weight-decay")
    {
        OptimizerKinds.TryParse(Choice(flag, OptimizerKinds.Names[0], [.. OptimizerKinds.Names]), out var kind);
        float decay = 0f;
        if (String(decayFlag) is { } decayText)
        {
            if (kind == OptimizerKind.Sgd) throw Error($"{decayFlag} applies to {flag} momentum or adam, not {flag} sgd");
            if (!float.TryParse(decayText, NumberStyles.Float, CultureInfo.InvariantCulture, out decay) || !(decay >= 0f) || float.IsInfinity(decay))
                throw Error($"{decayFlag} must be a non-negative number, got '{decayText}'");
        }
        if (kind != OptimizerKind.Momentum)
        {
            if (Has(momentumFlag)) throw Error($"{momentumFlag} applies to {flag} momentum, not {flag} {OptimizerKinds.Name(kind)}");
            return kind == OptimizerKind.Adam ? new OptimizerOptions { Kind = OptimizerKind.Adam, WeightDecay = decay } : OptimizerOptions.Default;
        }
        float momentum = 0.9f;
        if (String(momentumFlag) is { } text &&
            (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out momentum) || !(momentum >= 0f && momentum < 1f)))
            throw Error($"{momentumFlag} must be a number at least 0 and below 1, got '{text}'");
        return new OptimizerOptions { Kind = OptimizerKind.Momentum, Momentum = momentum, WeightDecay = decay };
    }

    /// <summary>--dropout P: the probability of the Dropout before each hidden Dense, at least 0 and below 1 (default 0, none).</summary>
    public float Dropout(string flag = "--dropout")
    {
        if (String(flag) is not { } text) return 0f;
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float p) || !(p >= 0f && p < 1f))
            throw Error($"{flag} must be a probability at least 0 and below 1, got '{text}'");
        return p;
    }

    /// <summary>--dropout P for a model of <paramref name="model"/>: refused above 0 for resnet8, which has no hidden Dense.</summary>
    public float Dropout(ModelKind model, string flag = "--dropout")
    {
        float p = Dropout(flag);
        if (p > 0f && model == ModelKind.ResNet8)
            throw Error($"{flag} applies to --model mlp and lenet (a Dropout before each hidden Dense); resnet8 has no hidden Dense");
        return p;
    }

    /// <summary>--model mlp|lenet|resnet8 (default mlp, the tutorial's).</summary>
    public ModelKind Model(string flag = "--model") =>
        ModelKinds.TryParse(Choice(flag, ModelKinds.Names[0], [.. ModelKinds.Names]), out var kind) ? kind : ModelKind.Mlp;

    public ExecutionMode Mode(string flag = "--mode")
    {
        switch (String(flag))
        {
            case null: return ExecutionMode.Graph;
            case "graph": return ExecutionMode.Graph;
            case "eager": return ExecutionMode.Eager;
            case var other: throw Error($"{flag} must be eager or graph, got '{other}'");
        }
    }

    public string Choice(string flag, string fallback, params string[] choices)
    {
        string value = String(flag) ?? fallback;
        if (!choices.Contains(value))
            throw Error($"{flag} must be one of {string.Join("|", choices)}, got '{value}'");
        return value;
    }
}
