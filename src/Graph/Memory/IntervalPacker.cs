namespace Trainer.Graph.Memory;

/// <summary>
/// Places buffers with known lifetimes in one arena so that buffers live at the same time never
/// overlap: largest first, each at the lowest aligned offset that clears every already placed
/// buffer whose lifetime overlaps. Deterministic for the same input.
/// </summary>
internal static class IntervalPacker
{
    public static long Align(long bytes, int alignment) => (bytes + alignment - 1) / alignment * alignment;

    /// <summary>Offsets in the order of <paramref name="buffers"/>, and the arena size they need.</summary>
    public static (long[] Offsets, long ArenaBytes) Pack(IReadOnlyList<Lifetime> buffers, int alignment)
    {
        var offsets = new long[buffers.Count];
        var order = Enumerable.Range(0, buffers.Count)
            .OrderByDescending(i => buffers[i].Bytes).ThenBy(i => buffers[i].First).ThenBy(i => i).ToList();
        var placed = new List<int>();
        long arena = 0;
        foreach (var i in order)
        {
            long size = Align(buffers[i].Bytes, alignment);
            var conflicts = placed.Where(j => buffers[j].Overlaps(buffers[i]))
                .Select(j => (Start: offsets[j], End: offsets[j] + Align(buffers[j].Bytes, alignment)))
                .OrderBy(r => r.Start).ToList();
            long candidate = 0;
            foreach (var (start, end) in conflicts)
            {
                if (candidate + size <= start) break;
                candidate = Math.Max(candidate, end);
            }
            offsets[i] = candidate;
            arena = Math.Max(arena, candidate + size);
            placed.Add(i);
        }
        return (offsets, arena);
    }
}
