namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>A fact that needs an OpenCL device (PoCL's CPU device will do); skipped, saying what to install, where there is none.</summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public OpenClFactAttribute()
    {
        if (OpenClHost.WhyUnavailable is { } why) Skip = why;
    }
}

/// <summary>The theory form of <see cref="OpenClFactAttribute"/>.</summary>
public sealed class OpenClTheoryAttribute : TheoryAttribute
{
    public OpenClTheoryAttribute()
    {
        if (OpenClHost.WhyUnavailable is { } why) Skip = why;
    }
}
