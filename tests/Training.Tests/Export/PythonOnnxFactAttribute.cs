using System.Diagnostics;

namespace Trainer.Training.Tests.Export;

/// <summary>
/// A fact that runs ONNX's own checker (<c>onnx.checker.check_model</c>) with /usr/bin/python3; skipped,
/// saying what to install, where python3 or its onnx module (Debian's python3-onnx) is missing.
/// </summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PythonOnnxFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} is missing; install python3 and python3-onnx to run ONNX's checker on exported models";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import onnx.checker"]) { RedirectStandardError = true })!;
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000)) return $"{Python} -c 'import onnx.checker' did not finish in 60 s";
            return process.ExitCode == 0 ? null : $"{Python} has no onnx module; install python3-onnx to run ONNX's checker on exported models";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} cannot be started ({e.Message})";
        }
    }
}
