using System.Diagnostics;
using System.Globalization;
using Trainer.Training.Distributed;
using Trainer.Training.Distributed.Mpi;

// Run under mpirun: `mpirun -np 2 dotnet Trainer.AllReduceBench.dll [iterations]`. Rank 0 prints:
//  1. the median time of a blocking in-place MPI_Allreduce (float sum) at sizes from 1 KB to the MLP's 2.68 MB of
//     gradients (669,706 floats), each after a barrier, and the latency + bandwidth line fitted to them;
//  2. whether a non-blocking MPI_Iallreduce of the gradients progresses while the rank computes (overlap), with
//     and without polling MPI_Test during the computation.
int iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
const int GradientFloats = 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10; // the MLP's parameters

using var comm = MpiCommunicator.TryOpen() ?? throw new InvalidOperationException("run me under mpirun");
bool leader = comm.Rank == 0;
void Say(string line)
{
    if (leader) Console.WriteLine(line);
}

Say($"all-reduce on {comm.Size} ranks, {Environment.ProcessorCount} cores visible to each, {iterations} timed calls per size, {DateTime.UtcNow:yyyy-MM-dd}");
var sizes = new[] { 256, 4096, 65536, 262144, GradientFloats };
var fit = new List<(double Bytes, double Seconds)>();
foreach (int floats in sizes)
{
    var data = new float[floats];
    for (int i = 0; i < floats; i++) data[i] = comm.Rank + i % 7;
    for (int w = 0; w < 5; w++) comm.AllReduceSum(data);
    var times = new double[iterations];
    for (int it = 0; it < iterations; it++)
    {
        comm.Barrier();
        long start = Stopwatch.GetTimestamp();
        comm.AllReduceSum(data);
        times[it] = Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
    // Every rank's slowest decides the step: take the maximum over ranks of each rank's median.
    double median = Median(times);
    double slowest = Max(comm, median);
    fit.Add((floats * 4.0, slowest));
    Say(string.Create(CultureInfo.InvariantCulture,
        $"  {floats * 4 / 1024.0,10:F1} KB: median {slowest * 1e3,8:F3} ms (slowest rank), {floats * 4 / slowest / 1e9,6:F2} GB/s of buffer"));
}
// Least squares t = alpha + bytes / beta over the sizes.
double n = fit.Count, sx = fit.Sum(f => f.Bytes), sy = fit.Sum(f => f.Seconds), sxx = fit.Sum(f => f.Bytes * f.Bytes), sxy = fit.Sum(f => f.Bytes * f.Seconds);
double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), alpha = (sy - slope * sx) / n;
Say(string.Create(CultureInfo.InvariantCulture, $"  fit: {alpha * 1e6:F1} us + bytes / {1 / slope / 1e9:F2} GB/s"));

// The non-blocking form polled to completion at once: what a collective with a deadline costs (MpiCommunicator's
// AllReduceSum polls MPI_Test so that it can give up on a rank that stopped answering).
{
    var data = new float[GradientFloats];
    var times = new double[iterations];
    for (int it = 0; it < iterations; it++)
    {
        comm.Barrier();
        long start = Stopwatch.GetTimestamp();
        using (var request = comm.BeginAllReduceSum(data))
            while (!request.Test()) { }
        times[it] = Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
    Say(string.Create(CultureInfo.InvariantCulture, $"  Iallreduce of {GradientFloats * 4 / 1e6:F2} MB polled with MPI_Test to completion: median {Max(comm, Median(times)) * 1e3:F3} ms"));
}

// Overlap: the gradients' all-reduce started, then computation as long as a blocking one takes, then the wait.
{
    var data = new float[GradientFloats];
    double blocking = fit[^1].Seconds;
    double computeOnly = TimeCompute(blocking, poll: null);
    foreach (bool poll in new[] { false, true })
    {
        var totals = new double[iterations];
        for (int it = 0; it < iterations; it++)
        {
            comm.Barrier();
            long start = Stopwatch.GetTimestamp();
            using (var request = comm.BeginAllReduceSum(data))
            {
                TimeCompute(blocking, poll ? request : null);
                request.Wait();
            }
            totals[it] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        double total = Max(comm, Median(totals));
        double hidden = (blocking + computeOnly - total) / blocking;
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  Iallreduce of {GradientFloats * 4 / 1e6:F2} MB beside {computeOnly * 1e3:F3} ms of computation{(poll ? ", polling MPI_Test every 50 us" : ", no MPI call meanwhile")}: " +
            $"{total * 1e3:F3} ms in all, {Math.Clamp(hidden, -1, 1) * 100:F0}% of the all-reduce hidden"));
    }
}
comm.Barrier();

static double Median(double[] values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static double Max(ICommunicator comm, double value)
{
    // The maximum over ranks through a sum: every rank contributes its value in its own slot.
    var slots = new float[comm.Size];
    slots[comm.Rank] = (float)value;
    comm.AllReduceSum(slots);
    return slots.Max();
}

// Spins on arithmetic for about `seconds`, optionally calling MPI_Test every 50 us; returns the time it took.
static double TimeCompute(double seconds, ICommunicatorRequest? poll)
{
    long start = Stopwatch.GetTimestamp(), lastPoll = start;
    long pollTicks = Stopwatch.Frequency / 20000;
    double x = 1;
    while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
    {
        for (int i = 0; i < 1000; i++) x = x * 1.0000001 + 1e-9;
        long now = Stopwatch.GetTimestamp();
        if (poll is not null && now - lastPoll > pollTicks)
        {
            poll.Test();
            lastPoll = now;
        }
    }
    if (x == 0) Console.WriteLine("");
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}
