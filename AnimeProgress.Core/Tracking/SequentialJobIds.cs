namespace AnimeProgress.Core.Tracking;

/// <summary>Ids counting up after the highest one seen: right when this process is the only writer (the embedded SQLite file).</summary>
public sealed class SequentialJobIds : IJobIdSource
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);

    public void Seen(long id)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _last);
            if (current >= id)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _last, id, current) != current);
    }
}
