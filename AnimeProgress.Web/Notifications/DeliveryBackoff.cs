using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications;

/// <summary>The wait before the next try: <c>RetryInitialDelay</c> doubled per failed try, at most <c>RetryMaxDelay</c>, with up to a tenth of jitter so many deliveries to one receiver do not retry in step.</summary>
public static class DeliveryBackoff
{
    public static TimeSpan After(int failedAttempts, NotificationOptions options, double jitter)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var delay = options.RetryInitialDelay * Math.Pow(2, exponent);
        var capped = delay > options.RetryMaxDelay ? options.RetryMaxDelay : delay;
        return capped * (1 - (0.1 * Math.Clamp(jitter, 0, 1)));
    }
}
