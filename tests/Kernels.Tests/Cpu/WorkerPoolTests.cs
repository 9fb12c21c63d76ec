using Trainer.Kernels.Cpu;

namespace Trainer.Kernels.Tests.Cpu;

public sealed class WorkerPoolTests
{
    /// <summary>Counts how often each task ran and which workers ran tasks.</summary>
    private sealed class CountingWork(int tasks, int threads) : ParallelWork
    {
        public readonly int[] Runs = new int[tasks];
        public readonly int[] ByWorker = new int[threads];

        public override void Execute(int task, int worker)
        {
            Interlocked.Increment(ref Runs[task]);
            Interlocked.Increment(ref ByWorker[worker]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(2, 1)]
    [InlineData(2, 65)]
    [InlineData(3, 257)]
    [InlineData(4, 63)]
    public void Every_task_runs_exactly_once(int threads, int tasks)
    {
        using var pool = new WorkerPool(threads);
        Assert.Equal(threads, pool.Threads);
        for (int launch = 0; launch < 50; launch++)
        {
            var work = new CountingWork(tasks, threads);
            pool.Run(work, tasks);
            Assert.All(work.Runs, r => Assert.Equal(1, r));
            Assert.Equal(tasks, work.ByWorker.Sum());
        }
    }

    [Fact]
    public void Zero_threads_means_one_per_core()
    {
        using var pool = new WorkerPool(0);
        Assert.Equal(Environment.ProcessorCount, pool.Threads);
    }

    [Fact]
    public void Zero_tasks_return_at_once()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingWork(1, 2);
        pool.Run(work, 0);
        Assert.Equal(0, work.Runs[0]);
    }

    private sealed class SleepyWork : ParallelWork
    {
        public int Done;

        public override void Execute(int task, int worker)
        {
            Thread.Sleep(2);
            Interlocked.Increment(ref Done);
        }
    }

    /// <summary>Run returns only when every task has finished, also after the workers have gone to sleep.</summary>
    [Fact]
    public void Run_waits_for_every_task_also_after_the_workers_slept()
    {
        using var pool = new WorkerPool(3);
        for (int launch = 0; launch < 3; launch++)
        {
            Thread.Sleep(20); // long enough for idle workers to stop spinning and block
            var work = new SleepyWork();
            pool.Run(work, 12);
            Assert.Equal(12, Volatile.Read(ref work.Done));
        }
    }

    private sealed class ThrowingWork(int failing) : ParallelWork
    {
        public int Ran;

        public override void Execute(int task, int worker)
        {
            Interlocked.Increment(ref Ran);
            if (task == failing) throw new InvalidOperationException($"task {task} failed");
        }
    }

    [Fact]
    public void An_exception_in_a_task_reaches_the_caller_after_all_tasks_ran_and_the_pool_still_works()
    {
        using var pool = new WorkerPool(2);
        var work = new ThrowingWork(failing: 5);
        var e = Assert.Throws<AggregateException>(() => pool.Run(work, 40));
        Assert.Equal("task 5 failed", Assert.IsType<InvalidOperationException>(e.InnerException).Message);
        Assert.Equal(40, work.Ran);
        var next = new CountingWork(9, 2);
        pool.Run(next, 9);
        Assert.All(next.Runs, r => Assert.Equal(1, r));
    }

    private sealed class ReentrantWork(WorkerPool pool) : ParallelWork
    {
        public Exception? Seen;

        public override void Execute(int task, int worker)
        {
            if (task != 0) return;
            try { pool.Run(new CountingWork(1, pool.Threads), 2); }
            catch (InvalidOperationException e) { Seen = e; }
        }
    }

    [Fact]
    public void A_launch_from_inside_a_launch_is_refused()
    {
        using var pool = new WorkerPool(2);
        var work = new ReentrantWork(pool);
        pool.Run(work, 4);
        Assert.Contains("not reentrant", work.Seen?.Message);
    }

    [Fact]
    public void A_launch_allocates_no_managed_memory_on_the_calling_thread()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingWork(64, 2);
        for (int i = 0; i < 100; i++) pool.Run(work, 64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) pool.Run(work, 64);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(after - before < 1000, $"1000 launches allocated {after - before} bytes");
    }

    [Fact]
    public void Dispose_stops_the_workers_and_a_disposed_pool_refuses_work()
    {
        var pool = new WorkerPool(3);
        pool.Run(new CountingWork(10, 3), 10);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(new CountingWork(2, 3), 2));
    }
}
