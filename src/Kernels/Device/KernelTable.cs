namespace Trainer.Kernels.Device;

/// <summary>
/// A backend's kernels keyed by op (<c>unary.exp</c>, <c>binary.add</c>, <c>reduce.sum</c>, <c>argmax</c>, a user's
/// <c>custom.Swish</c>): what an op looks up when it is bound, instead of one <see cref="IKernelBackend"/> method
/// per kernel. Each entry turns a <see cref="KernelCall"/> into a launch with everything fixed, so a compiled
/// step's launch only launches. Every launch through the table counts in the backend's
/// <see cref="IKernelBackend.LaunchCount"/>; a kernel with nothing to do (no elements) launches nothing and
/// counts nothing, like the interface's kernels. Used from one thread at a time, like its backend.
/// </summary>
public sealed class KernelTable
{
    private static readonly Action Nothing = () => { };
    private readonly Dictionary<string, Func<KernelCall, Action?>> kernels = new(StringComparer.Ordinal);
    private readonly HashSet<string> countingThemselves = new(StringComparer.Ordinal);
    private readonly Action countLaunch;
    private readonly string device;

    /// <summary>An empty table for the device described by <paramref name="device"/>, whose launches call <paramref name="countLaunch"/>.</summary>
    public KernelTable(string device, Action countLaunch)
    {
        this.device = device;
        this.countLaunch = countLaunch;
    }

    /// <summary>The keys registered, in ordinal order.</summary>
    public IReadOnlyList<string> Keys => kernels.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether a kernel is registered under <paramref name="key"/>.</summary>
    public bool Contains(string key) => kernels.ContainsKey(key);

    /// <summary>
    /// Adds a kernel: <paramref name="bind"/> gets the call and returns the launch (null when there is nothing
    /// to do). A key is registered once; a second registration is an <see cref="ArgumentException"/>.
    /// </summary>
    public void Register(string key, Func<KernelCall, Action?> bind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (!kernels.TryAdd(key, bind))
            throw new ArgumentException($"{device}: a kernel is already registered as '{key}'", nameof(key));
    }

    /// <summary>
    /// Adds a kernel whose launch counts itself in the backend's <see cref="IKernelBackend.LaunchCount"/> (the kernels that
    /// were interface methods before the table: a split GEMM counts its two launches, an empty one none), so the table
    /// hands out its launch as it is, without counting it again.
    /// </summary>
    internal void RegisterCountingItself(string key, Func<KernelCall, Action?> bind)
    {
        Register(key, bind);
        countingThemselves.Add(key);
    }

    /// <summary>The launch of the kernel registered as <paramref name="key"/> with <paramref name="call"/>'s buffers fixed.</summary>
    /// <exception cref="KeyNotFoundException">No kernel has that key on this device.</exception>
    public Action Bind(string key, KernelCall call)
    {
        if (!kernels.TryGetValue(key, out var bind))
            throw new KeyNotFoundException($"{device} has no kernel '{key}'");
        var launch = bind(call);
        if (launch is null) return Nothing;
        if (countingThemselves.Contains(key)) return launch;
        return () =>
        {
            countLaunch();
            launch();
        };
    }

    /// <summary>
    /// A table with the same kernels whose launches also call <paramref name="onLaunch"/> with their key first
    /// (for a backend that wraps another, such as a test's recorder); launches still count in this table's backend.
    /// </summary>
    public KernelTable Observed(Action<string> onLaunch)
    {
        var observed = new KernelTable(device, () => { });
        foreach (var key in kernels.Keys)
            observed.Register(key, call =>
            {
                var launch = Bind(key, call);
                return () =>
                {
                    onLaunch(key);
                    launch();
                };
            });
        return observed;
    }
}
