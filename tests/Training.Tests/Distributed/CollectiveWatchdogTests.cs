using Trainer.Training.Distributed;

namespace Trainer.Training.Tests.Distributed;

public class CollectiveWatchdogTests
{
    [Fact]
    public void A_collective_that_waits_past_the_timeout_is_reported_once_with_what_waited()
    {
        var fired = new List<(string What, TimeSpan Waited)>();
        using var expired = new ManualResetEventSlim();
        using var watchdog = new CollectiveWatchdog(TimeSpan.FromMilliseconds(200), (what, waited) =>
        {
            lock (fired) fired.Add((what, waited));
            expired.Set();
        });

        using (watchdog.Enter("the all-reduce of step 7"))
            Assert.True(expired.Wait(TimeSpan.FromSeconds(10)), "the watchdog did not fire");

        Thread.Sleep(300); // it fires once, not again
        var (what, waited) = Assert.Single(fired);
        Assert.Equal("the all-reduce of step 7", what);
        Assert.True(waited >= TimeSpan.FromMilliseconds(200), $"fired after {waited}");
    }

    [Fact]
    public void Collectives_that_return_in_time_and_time_between_them_do_not_count()
    {
        int fired = 0;
        using var watchdog = new CollectiveWatchdog(TimeSpan.FromMilliseconds(150), (_, _) => Interlocked.Increment(ref fired));
        for (int i = 0; i < 5; i++)
        {
            using (watchdog.Enter("a short one")) Thread.Sleep(20);
            Thread.Sleep(100); // outside any collective: a rank may compute as long as it likes
        }
        Thread.Sleep(300);
        Assert.Equal(0, Volatile.Read(ref fired));
    }

    [Fact]
    public void A_timeout_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollectiveWatchdog(TimeSpan.Zero, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollectiveWatchdog(TimeSpan.FromSeconds(-1), (_, _) => { }));
    }
}
