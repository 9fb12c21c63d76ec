namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// A fact that needs an OpenCL device (PoCL's CPU device will do) and, for the tests that run ILGPU's OpenCL backend
/// on it, what <see cref="PoclBackend"/> needs; skipped, saying what is missing, where either is not there.
/// </summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute()
    {
        if (PoclBackend.WhyUnavailable is { } why) Skip = why;
    }
}

/// <summary>The theory form of <see cref="OpenClFactAttribute"/>.</summary>
public sealed class OpenClTheoryAttribute : TheoryAttribute
{
    public OpenClTheoryAttribute()
    {
        if (PoclBackend.WhyUnavailable is { } why) Skip = why;
    }
}
