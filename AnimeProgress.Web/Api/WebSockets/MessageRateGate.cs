namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// A token bucket per connection: a burst of messages is fine, a sustained rate above the limit
/// is a flood. Refilled lazily from the clock on each message, so it costs no timer.
/// </summary>
public sealed class MessageRateGate(double perSecond, int burst, TimeProvider time)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one message's token; false when the client is over its rate.</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
