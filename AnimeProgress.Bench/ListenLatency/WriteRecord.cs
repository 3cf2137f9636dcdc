namespace AnimeProgress.Bench.ListenLatency;

internal enum WriteKind
{
    Insert,
    Update,
    Complete,
}

/// <summary>One committed change of the other program: which row, the progress it wrote, and when (Stopwatch ticks).</summary>
/// <param name="Sent">Just before the statement was sent.</param>
/// <param name="Committed">When the commit was acknowledged: the moment the other program knows its change is in.</param>
/// <param name="Measured">False for warm-up writes.</param>
internal readonly record struct WriteRecord(long Id, WriteKind Kind, double Progress, long Sent, long Committed, bool Measured);
