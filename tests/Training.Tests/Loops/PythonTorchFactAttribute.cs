using System.Diagnostics;

namespace Trainer.Training.Tests.Loops;

/// <summary>A fact that needs PyTorch (Debian's python3-torch) in /usr/bin/python3; skipped with a one-line reason without it.</summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PythonTorchFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} is missing; install python3-torch to run the PyTorch BatchNorm agreement check";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000)) return $"{Python} -c 'import torch' did not finish in 60 s";
            return process.ExitCode == 0 ? null : $"{Python} has no torch; install python3-torch to run the PyTorch BatchNorm agreement check";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} cannot be started ({e.Message})";
        }
    }
}
