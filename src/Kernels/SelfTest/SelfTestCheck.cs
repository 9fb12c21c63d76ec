using Trainer.Kernels.Device;

namespace Trainer.Kernels.SelfTest;

/// <summary>One named check of <see cref="KernelSelfTest"/>; <see cref="Run"/> never throws (an exception is a failed result).</summary>
public sealed class SelfTestCheck
{
    private readonly Func<IKernelBackend, SelfTestResult> run;

    internal SelfTestCheck(string name, Func<IKernelBackend, SelfTestResult> run, IReadOnlyList<string>? tableKeys = null)
    {
        Name = name;
        this.run = run;
        string? named = KernelSelfTest.TableKeyOf(name);
        TableKeys = [.. (tableKeys ?? []).Concat(named is null ? [] : [named]).Distinct()];
    }

    /// <summary>
    /// The keys of the backend's <see cref="KernelTable"/> the check launches: those it declares (<c>gemm</c>; <c>conv2d</c>
    /// and its two gradients) and the one its name starts with (<c>unary.exp 32771</c>).
    /// </summary>
    public IReadOnlyList<string> TableKeys { get; }

    /// <summary>What the check tests, e.g. <c>gemm nt 65x63x257 bias+relu</c>.</summary>
    public string Name { get; }

    /// <summary>Runs the check on <paramref name="backend"/>: its result, or a failed result naming the exception it threw.</summary>
    public SelfTestResult Run(IKernelBackend backend)
    {
        try
        {
            return run(backend) with { Name = Name };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new SelfTestResult(Name, double.NaN, double.NaN, false, 0,
                $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
