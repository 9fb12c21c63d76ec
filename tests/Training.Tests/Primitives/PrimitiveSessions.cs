using Trainer.Kernels.Device;

namespace Trainer.Training.Tests.Primitives;

/// <summary>One session per test device (<see cref="TestDevices.All"/>), opened when first asked for and shared by a test class.</summary>
public sealed class PrimitiveSessions : IDisposable
{
    private readonly Dictionary<DeviceKind, Session> sessions = [];

    public Session Get(DeviceKind kind)
    {
        if (!sessions.TryGetValue(kind, out var session)) sessions[kind] = session = Session.Open(kind);
        return session;
    }

    public void Dispose()
    {
        foreach (var s in sessions.Values) s.Dispose();
    }
}
