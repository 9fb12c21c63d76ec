namespace Trainer.Kernels.Tests.Offline;

/// <summary>Theory data shared by the offline tests: every GPU kernel on every target, or on a subset of targets.</summary>
internal static class OfflineCases
{
    public static TheoryData<string, string> KernelsOn(Func<OfflineTarget, bool> targets)
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in LoadedKernels.OnGpu)
            foreach (var target in OfflineTarget.All.Where(targets))
                data.Add(LoadedKernels.NameOf(kernel), target.Name);
        return data;
    }
}
