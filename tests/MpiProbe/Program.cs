using System.Globalization;
using Trainer.Training.Distributed;
using Trainer.Training.Distributed.Mpi;

// Each rank fills arrays of awkward lengths with x[i] = (rank + 1) + i/4, sums them over all ranks with the blocking
// and the non-blocking all-reduce, and prints one line per array: the total of the result (exact in double) and how
// many elements differ from size(size+1)/2 + size*i/4, which every term of keeps exact in float. The test checks
// both against its own arithmetic.
int[] lengths = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 7, 257, 65_536 + 3];

using ICommunicator comm = MpiCommunicator.TryOpen()
    ?? throw new InvalidOperationException($"not started by mpirun ({MpiCommunicator.WorldSizeVariable} is unset)");
foreach (var n in lengths)
{
    Report("blocking", n, data => comm.AllReduceSum(data));
    Report("nonblocking", n, data =>
    {
        var memory = new float[data.Length];
        data.CopyTo(memory);
        using (var request = comm.BeginAllReduceSum(memory)) request.Wait();
        memory.CopyTo(data);
    });
}
comm.Barrier();
Console.WriteLine(FormattableString.Invariant($"rank {comm.Rank} of {comm.Size}: done"));

void Report(string mode, int n, SpanAction reduce)
{
    var data = new float[n];
    for (var i = 0; i < n; i++) data[i] = comm.Rank + 1 + i / 4f;
    reduce(data);
    var mismatches = 0;
    var total = 0.0;
    for (var i = 0; i < n; i++)
    {
        if (data[i] != comm.Size * (comm.Size + 1) / 2 + comm.Size * (i / 4f)) mismatches++;
        total += data[i];
    }
    Console.WriteLine(FormattableString.Invariant($"rank {comm.Rank} of {comm.Size}: {mode} n={n} total={total:R} mismatches={mismatches}"));
}

internal delegate void SpanAction(Span<float> data);
