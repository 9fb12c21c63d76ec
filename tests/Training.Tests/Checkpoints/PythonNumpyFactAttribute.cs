using System.Diagnostics;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>
/// A fact that runs scripts/safetensors_check.py; skipped, saying what to install, where /usr/bin/python3 or its
/// numpy is missing (CI images need the python3-numpy package). Mirrors the GPU facts in Kernels.Tests.
/// </summary>
public sealed class PythonNumpyFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PythonNumpyFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} is missing; install python3 and python3-numpy to run the independent safetensors check";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import numpy"]) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000)) return $"{Python} -c 'import numpy' did not finish in 30 s";
            return process.ExitCode == 0 ? null : $"{Python} has no numpy; install python3-numpy to run the independent safetensors check";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} cannot be started ({e.Message})";
        }
    }
}
