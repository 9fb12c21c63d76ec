using System.Diagnostics;

namespace Trainer.Training.Tests.Checkpoints.MindSpore;

/// <summary>
/// A fact that runs scripts/mindspore_ckpt_check.py (Python's protobuf over the vendored checkpoint.proto); skipped,
/// saying what to install, where protoc, /usr/bin/python3's protobuf or its numpy is missing (CI images need the
/// protobuf-compiler, python3-protobuf and python3-numpy packages).
/// </summary>
public sealed class PythonProtobufFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public PythonProtobufFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        const string python = Checkpoints.PythonNumpyFactAttribute.Python;
        if (!File.Exists(python)) return $"{python} is missing; install python3, python3-protobuf and python3-numpy to run the MindSpore .ckpt interop checks";
        if (Run("protoc", "--version") != 0) return "protoc is missing; install protobuf-compiler to run the MindSpore .ckpt interop checks";
        if (Run(python, "-c", "import google.protobuf, numpy") != 0)
            return $"{python} cannot import google.protobuf and numpy; install python3-protobuf and python3-numpy to run the MindSpore .ckpt interop checks";
        return null;
    }

    private static int Run(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(30_000) ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
