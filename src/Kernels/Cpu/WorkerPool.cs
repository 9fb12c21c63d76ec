namespace Trainer.Kernels.Cpu;

/// <summary>
/// A persistent pool of worker threads for the native CPU backend. <see cref="Run"/> spreads a
/// launch's tasks over the calling thread (worker 0) and <see cref="Threads"/> − 1 background
/// workers, which claim tasks one at a time, and returns when every task has run. Between launches
/// workers spin briefly (a training step launches kernels microseconds apart), then sleep, so an
/// idle pool costs no CPU. A launch allocates nothing.
/// <para>Which worker runs which task varies from run to run; kernels make results independent of
/// it by giving every output to exactly one task. Not reentrant: one <see cref="Run"/> at a time,
/// from one thread at a time, like the backend that owns it.</para>
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How many times an idle worker checks for work (with a short pause each) before it sleeps: tens of microseconds.</summary>
    private const int SpinChecks = 2000;

    private readonly Thread[] workers;
    private readonly object gate = new();
    private ParallelWork? work;
    private int taskCount;
    // The generation in the high 32 bits, the next unclaimed task in the low 32: a claim is one
    // compare-and-swap that also checks the launch it belongs to.
    private long claims;
    private int completed;
    private int sleepers;
    private volatile bool disposed;
    private Exception? failure;
    private int running;

    /// <summary>Starts <paramref name="threads"/> − 1 background workers; 0 or less means one per core.</summary>
    public WorkerPool(int threads)
    {
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        workers = new Thread[Threads - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            int index = i + 1;
            workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"trainer cpu worker {index}" };
            workers[i].Start();
        }
    }

    /// <summary>Threads that run tasks, the caller of <see cref="Run"/> included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Runs <c>work.Execute(t, worker)</c> for every t in [0, <paramref name="tasks"/>) and returns when
    /// all are done. One task, or a pool of one thread, runs inline on the caller. If tasks throw,
    /// the first exception is rethrown here after every task has finished.
    /// </summary>
    public void Run(ParallelWork work, int tasks)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (tasks <= 0) return;
        if (Interlocked.Exchange(ref running, 1) != 0)
            throw new InvalidOperationException("the worker pool is already running a launch (it is not reentrant)");
        try
        {
            if (tasks == 1 || workers.Length == 0)
            {
                for (int t = 0; t < tasks; t++) work.Execute(t, 0);
                return;
            }
            this.work = work;
            taskCount = tasks;
            failure = null;
            Volatile.Write(ref completed, 0);
            long generation = (Volatile.Read(ref claims) >> 32) + 1;
            Interlocked.Exchange(ref claims, generation << 32); // publishes work and taskCount
            if (Volatile.Read(ref sleepers) > 0)
                lock (gate) Monitor.PulseAll(gate);
            Drain(generation, work, tasks, worker: 0);
            var spin = new SpinWait();
            while (Volatile.Read(ref completed) < tasks) spin.SpinOnce(sleep1Threshold: -1);
            this.work = null;
            if (failure is { } e) throw new AggregateException("a task of a CPU kernel failed", e);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }

    /// <summary>Claims and runs tasks of <paramref name="generation"/> until none is left.</summary>
    private void Drain(long generation, ParallelWork work, int tasks, int worker)
    {
        while (true)
        {
            long state = Volatile.Read(ref claims);
            if (state >> 32 != generation) return;
            int task = (int)(state & 0xFFFFFFFF);
            if (task >= tasks) return;
            if (Interlocked.CompareExchange(ref claims, state + 1, state) != state) continue;
            try { work.Execute(task, worker); }
            catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
            Interlocked.Increment(ref completed);
        }
    }

    private void WorkerLoop(int index)
    {
        long seen = 0;
        while (true)
        {
            long generation = WaitForLaunch(seen);
            if (generation < 0) return;
            seen = generation;
            // A launch is published before its generation: the work and count read here belong to
            // it, or the generation has moved on and every claim below fails.
            var current = work;
            int tasks = taskCount;
            if (current is not null) Drain(generation, current, tasks, index);
        }
    }

    /// <summary>The next generation after <paramref name="seen"/>, spinning briefly and then sleeping; −1 once disposed.</summary>
    private long WaitForLaunch(long seen)
    {
        for (int i = 0; i < SpinChecks; i++)
        {
            long generation = Volatile.Read(ref claims) >> 32;
            if (generation != seen) return generation;
            if (disposed) return -1;
            Thread.SpinWait(8);
        }
        lock (gate)
        {
            Interlocked.Increment(ref sleepers);
            try
            {
                while (true)
                {
                    long generation = Volatile.Read(ref claims) >> 32;
                    if (generation != seen) return generation;
                    if (disposed) return -1;
                    Monitor.Wait(gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref sleepers);
            }
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (gate) Monitor.PulseAll(gate);
        foreach (var worker in workers) worker.Join();
    }
}
