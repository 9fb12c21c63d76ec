namespace Trainer.Graph.Memory;

/// <summary>A buffer's size and the schedule steps it is live over, both ends included.</summary>
internal readonly record struct Lifetime(long Bytes, int First, int Last)
{
    public bool Overlaps(Lifetime other) => First <= other.Last && other.First <= Last;
}
