namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>How one try went: delivered; failed but worth another try (a 5xx, 429, a timeout, a refused connection); or failed for good (a 4xx, a redirect, a refused destination or recipient).</summary>
public sealed record SendResult(SendOutcome Outcome, int? StatusCode, string Answer)
{
    public static SendResult Delivered(int? status, string answer) => new(SendOutcome.Delivered, status, answer);

    public static SendResult Retry(int? status, string answer) => new(SendOutcome.Retry, status, answer);

    public static SendResult Permanent(int? status, string answer) => new(SendOutcome.Permanent, status, answer);
}

public enum SendOutcome
{
    Delivered,
    Retry,
    Permanent,
}
