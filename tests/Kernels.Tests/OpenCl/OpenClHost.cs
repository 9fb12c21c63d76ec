using System.Runtime.InteropServices;
using System.Text;

namespace Trainer.Kernels.Tests.OpenCl;

/// <summary>
/// A bare OpenCL context and in-order command queue on the first device of the first platform that
/// has one, made through the OpenCL 1.2 host API directly: PoCL's CPU device (Debian's
/// pocl-opencl-icd) lacks the generic address space ILGPU requires of an accelerator, but its queue
/// and its OpenCL C compiler are real, and that is what these tests use them for.
/// </summary>
internal sealed unsafe class OpenClHost : IDisposable
{
    private const string Library = "libOpenCL.so.1";
    private const ulong AllDeviceTypes = 0xFFFFFFFF;
    private const uint PlatformNameInfo = 0x0902, DeviceNameInfo = 0x102B, BuildLog = 0x1183;
    public const int Complete = 0;

    private static readonly Lazy<string?> Missing = new(FindMissing);

    private OpenClHost(IntPtr platform, IntPtr device, IntPtr context, IntPtr queue)
    {
        Platform = platform;
        Device = device;
        Context = context;
        Queue = queue;
    }

    public IntPtr Platform { get; }
    public IntPtr Device { get; }
    public IntPtr Context { get; }
    public IntPtr Queue { get; }

    /// <summary>Why no OpenCL device can be opened here (what to install), or null where one can.</summary>
    public static string? WhyUnavailable => Missing.Value;

    public string PlatformName => Info(Platform, PlatformNameInfo, &clGetPlatformInfo);

    public string DeviceName => Info(Device, DeviceNameInfo, &clGetDeviceInfo);

    public string Describe() => $"{PlatformName} / {DeviceName}";

    public static OpenClHost Open()
    {
        var (platform, device) = FirstDevice() ?? throw new InvalidOperationException(WhyUnavailable ?? "no OpenCL device");
        int error;
        var context = clCreateContext(null, 1, &device, IntPtr.Zero, IntPtr.Zero, &error);
        Check(error, "clCreateContext");
        var queue = clCreateCommandQueue(context, device, 0, &error);
        Check(error, "clCreateCommandQueue");
        return new OpenClHost(platform, device, context, queue);
    }

    /// <summary>A user event: commands that wait on it stay queued until <see cref="SetStatus"/> completes it.</summary>
    public IntPtr CreateGate()
    {
        int error;
        var gate = clCreateUserEvent(Context, &error);
        Check(error, "clCreateUserEvent");
        return gate;
    }

    public static void SetStatus(IntPtr userEvent, int status) => Check(clSetUserEventStatus(userEvent, status), "clSetUserEventStatus");

    /// <summary>Enqueues a marker that waits for <paramref name="gate"/>: the in-order queue runs nothing after it until then.</summary>
    public void BlockQueueOn(IntPtr gate)
    {
        IntPtr marker;
        Check(clEnqueueMarkerWithWaitList(Queue, 1, &gate, &marker), "clEnqueueMarkerWithWaitList");
        Release(marker);
    }

    /// <summary>A non-blocking copy of <paramref name="bytes"/> (pinned by the caller) into a new device buffer, released when the queue is done with it.</summary>
    public void EnqueueWrite(byte* bytes, int length)
    {
        int error;
        var buffer = clCreateBuffer(Context, 1 /* CL_MEM_READ_WRITE */, (nuint)length, null, &error);
        Check(error, "clCreateBuffer");
        Check(clEnqueueWriteBuffer(Queue, buffer, 0, 0, (nuint)length, bytes, 0, null, null), "clEnqueueWriteBuffer");
        Check(clReleaseMemObject(buffer), "clReleaseMemObject");
    }

    public void Finish() => Check(clFinish(Queue), "clFinish");

    public static void Release(IntPtr e) => Check(clReleaseEvent(e), "clReleaseEvent");

    /// <summary>Builds <paramref name="source"/> for this device with <paramref name="options"/>; null on success, else the error and the compiler's log.</summary>
    public string? Build(string source, string options)
    {
        var bytes = Encoding.UTF8.GetBytes(source);
        var optionBytes = Encoding.UTF8.GetBytes(options + "\0");
        int error;
        IntPtr program;
        fixed (byte* text = bytes)
        {
            byte* texts = text;
            nuint length = (nuint)bytes.Length;
            program = clCreateProgramWithSource(Context, 1, &texts, &length, &error);
        }
        Check(error, "clCreateProgramWithSource");
        try
        {
            IntPtr device = Device;
            int built;
            fixed (byte* o = optionBytes) built = clBuildProgram(program, 1, &device, o, IntPtr.Zero, IntPtr.Zero);
            if (built == 0) return null;
            nuint size;
            Check(clGetProgramBuildInfo(program, Device, BuildLog, 0, null, &size), "clGetProgramBuildInfo");
            var log = new byte[(int)size];
            fixed (byte* l = log) Check(clGetProgramBuildInfo(program, Device, BuildLog, size, l, null), "clGetProgramBuildInfo");
            return $"clBuildProgram: error {built}\n{Encoding.UTF8.GetString(log).TrimEnd('\0')}";
        }
        finally
        {
            clReleaseProgram(program);
        }
    }

    public void Dispose()
    {
        clReleaseCommandQueue(Queue);
        clReleaseContext(Context);
    }

    private static (IntPtr Platform, IntPtr Device)? FirstDevice()
    {
        uint platforms;
        if (clGetPlatformIDs(0, null, &platforms) != 0 || platforms == 0) return null;
        var ids = new IntPtr[platforms];
        fixed (IntPtr* p = ids) if (clGetPlatformIDs(platforms, p, null) != 0) return null;
        foreach (var platform in ids)
        {
            IntPtr device;
            uint devices;
            if (clGetDeviceIDs(platform, AllDeviceTypes, 1, &device, &devices) == 0 && devices > 0) return (platform, device);
        }
        return null;
    }

    private static string? FindMissing()
    {
        const string install = "install an OpenCL platform, e.g. PoCL with `apt-get install pocl-opencl-icd`";
        if (!NativeLibrary.TryLoad(Library, out var handle)) return $"no OpenCL loader ({Library}); {install}";
        NativeLibrary.Free(handle);
        return FirstDevice() is null ? $"no OpenCL platform with a device; {install}" : null;
    }

    private static string Info(IntPtr handle, uint name, delegate*<IntPtr, uint, nuint, void*, nuint*, int> query)
    {
        nuint size;
        if (query(handle, name, 0, null, &size) != 0) return "?";
        var text = new byte[(int)size];
        fixed (byte* t = text) if (query(handle, name, size, t, null) != 0) return "?";
        return Encoding.UTF8.GetString(text).TrimEnd('\0');
    }

    private static void Check(int error, string call)
    {
        if (error != 0) throw new InvalidOperationException($"{call} failed: OpenCL error {error}");
    }

    [DllImport(Library)] private static extern int clGetPlatformIDs(uint count, IntPtr* platforms, uint* found);
    [DllImport(Library)] private static extern int clGetPlatformInfo(IntPtr platform, uint name, nuint size, void* value, nuint* returned);
    [DllImport(Library)] private static extern int clGetDeviceIDs(IntPtr platform, ulong type, uint count, IntPtr* devices, uint* found);
    [DllImport(Library)] private static extern int clGetDeviceInfo(IntPtr device, uint name, nuint size, void* value, nuint* returned);
    [DllImport(Library)] private static extern IntPtr clCreateContext(IntPtr* properties, uint devices, IntPtr* device, IntPtr notify, IntPtr user, int* error);
    [DllImport(Library)] private static extern IntPtr clCreateCommandQueue(IntPtr context, IntPtr device, ulong properties, int* error);
    [DllImport(Library)] private static extern IntPtr clCreateUserEvent(IntPtr context, int* error);
    [DllImport(Library)] private static extern int clSetUserEventStatus(IntPtr e, int status);
    [DllImport(Library)] private static extern int clEnqueueMarkerWithWaitList(IntPtr queue, uint waits, IntPtr* waitList, IntPtr* e);
    [DllImport(Library)] private static extern IntPtr clCreateBuffer(IntPtr context, ulong flags, nuint size, void* host, int* error);
    [DllImport(Library)] private static extern int clEnqueueWriteBuffer(IntPtr queue, IntPtr buffer, uint blocking, nuint offset, nuint size, void* source, uint waits, IntPtr* waitList, IntPtr* e);
    [DllImport(Library)] private static extern int clFinish(IntPtr queue);
    [DllImport(Library)] private static extern int clReleaseEvent(IntPtr e);
    [DllImport(Library)] private static extern int clReleaseMemObject(IntPtr buffer);
    [DllImport(Library)] private static extern IntPtr clCreateProgramWithSource(IntPtr context, uint count, byte** texts, nuint* lengths, int* error);
    [DllImport(Library)] private static extern int clBuildProgram(IntPtr program, uint devices, IntPtr* device, byte* options, IntPtr notify, IntPtr user);
    [DllImport(Library)] private static extern int clGetProgramBuildInfo(IntPtr program, IntPtr device, uint name, nuint size, void* value, nuint* returned);
    [DllImport(Library)] private static extern int clReleaseProgram(IntPtr program);
    [DllImport(Library)] private static extern int clReleaseCommandQueue(IntPtr queue);
    [DllImport(Library)] private static extern int clReleaseContext(IntPtr context);
}
