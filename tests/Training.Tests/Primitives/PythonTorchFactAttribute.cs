using System.Diagnostics;
using Trainer.Training.Tests.Checkpoints;

namespace Trainer.Training.Tests.Primitives;

/// <summary>A fact that runs scripts/torch_window_ops.py; skipped, saying what to install, where /usr/bin/python3 has no torch (python3-torch).</summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PythonTorchFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        string python = PythonNumpyFactAttribute.Python;
        if (!File.Exists(python)) return $"{python} is missing; install python3 and python3-torch to check against PyTorch";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import torch"]) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000)) return $"{python} -c 'import torch' did not finish in 60 s";
            return process.ExitCode == 0 ? null : $"{python} has no torch; install python3-torch to check against PyTorch";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{python} cannot be started ({e.Message})";
        }
    }
}
