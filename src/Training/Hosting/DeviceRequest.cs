using Trainer.Kernels.Device;

namespace Trainer.Training.Hosting;

/// <summary>
/// The device a user asked for, as the command line spells it (<c>auto|cuda|opencl|cpu|ilgpu-cpu</c>),
/// and the native CPU backend's worker threads. This is the Training layer's face of the Kernels
/// layer's <see cref="DeviceKind"/> and <see cref="DeviceOptions"/>: a program (the <c>trainer</c>
/// command among them) builds its requests from names and opens a device with
/// <see cref="Session.Open(DeviceRequest)"/> without naming a Kernels type.
/// </summary>
public sealed class DeviceRequest : IEquatable<DeviceRequest>
{
    /// <summary>Every device name, in the form usage lines and errors print them.</summary>
    public const string Choices = DeviceKindNames.Choices;

    /// <summary>The default: the best device present (cuda, then opencl, then the native cpu backend), one worker thread per core.</summary>
    public static DeviceRequest Auto { get; } = new(DeviceKind.Auto, 0);

    private DeviceRequest(DeviceKind kind, int threads, int ordinal = 0)
    {
        Kind = kind;
        Threads = threads;
        Ordinal = ordinal;
    }

    /// <summary>A request for <paramref name="kind"/> with <paramref name="threads"/> native workers (0: one per core).</summary>
    internal static DeviceRequest For(DeviceKind kind, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return new(kind, threads);
    }

    /// <summary>Parses a <c>--device</c> value (case-insensitive); false for anything not in <see cref="Choices"/>.</summary>
    public static bool TryParse(string name, out DeviceRequest request)
    {
        bool known = DeviceKindNames.TryParse(name, out var kind);
        request = known ? new(kind, 0) : Auto;
        return known;
    }

    internal DeviceKind Kind { get; }

    /// <summary>Worker threads of the native CPU backend; 0 means one per core.</summary>
    public int Threads { get; }

    /// <summary>Which device of the kind to open, modulo how many there are (0: the first); see <see cref="ForLocalRank"/>.</summary>
    public int Ordinal { get; }

    /// <summary>The device's command-line name.</summary>
    public string Name => DeviceKindNames.Name(Kind);

    /// <summary>Whether <c>--threads</c> means anything here: the native cpu backend, or auto (which may fall back to it).</summary>
    public bool HasWorkerThreads => Kind is DeviceKind.Cpu or DeviceKind.Auto;

    /// <summary>The same device with <paramref name="threads"/> native workers.</summary>
    public DeviceRequest WithThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return new(Kind, threads, Ordinal);
    }

    /// <summary>
    /// The device one of <paramref name="localRanks"/> data-parallel processes on this machine opens: GPU
    /// <paramref name="localRank"/> modulo the GPUs present, and on the native cpu backend the cores divided among the
    /// ranks (unless <c>--threads</c> gave a number), so ranks do not oversubscribe the machine.
    /// </summary>
    public DeviceRequest ForLocalRank(int localRank, int localRanks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localRank);
        ArgumentOutOfRangeException.ThrowIfLessThan(localRanks, 1);
        int threads = Threads == 0 && HasWorkerThreads && localRanks > 1 ? Math.Max(1, Environment.ProcessorCount / localRanks) : Threads;
        return new(Kind, threads, localRank);
    }

    internal DeviceOptions Options => new() { Threads = Threads, Ordinal = Ordinal };

    /// <summary>Equal when kind, thread count and ordinal are equal.</summary>
    public bool Equals(DeviceRequest? other) => other is not null && other.Kind == Kind && other.Threads == Threads && other.Ordinal == Ordinal;
    /// <summary>Equal when <paramref name="obj"/> is an equal <see cref="DeviceRequest"/>.</summary>
    public override bool Equals(object? obj) => Equals(obj as DeviceRequest);
    /// <summary>A hash of kind, thread count and ordinal.</summary>
    public override int GetHashCode() => HashCode.Combine(Kind, Threads, Ordinal);
    /// <summary>The device name, with the thread count when one was given.</summary>
    public override string ToString() => Threads == 0 ? Name : $"{Name} ({Threads} threads)";
}
