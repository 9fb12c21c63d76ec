using System.Diagnostics;
using System.Text;

namespace Trainer.Kernels.Ilgpu;

/// <summary>
/// Collects what ILGPU writes to <see cref="Trace"/> while it is attached. On CUDA, ILGPU reports
/// kernel load failures (a PTX the driver's JIT rejects, say) only there, so the backend listens
/// while it compiles its kernels and turns what it heard into a clear error.
/// </summary>
internal sealed class TraceCapture : TraceListener
{
    private readonly StringBuilder text = new();

    private TraceCapture() => Trace.Listeners.Add(this);

    public static TraceCapture Start() => new();

    public string Text
    {
        get
        {
            lock (text) return text.ToString().Trim();
        }
    }

    public override void Write(string? message)
    {
        lock (text) text.Append(message);
    }

    public override void WriteLine(string? message)
    {
        lock (text) text.AppendLine(message);
    }

    protected override void Dispose(bool disposing)
    {
        Trace.Listeners.Remove(this);
        base.Dispose(disposing);
    }
}
