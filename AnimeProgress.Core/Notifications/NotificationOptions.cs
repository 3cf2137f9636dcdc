namespace AnimeProgress.Core.Notifications;

/// <summary>Bound from <c>AnimeProgress:Notifications</c> (issue 18): channels, rules, the allowed destinations and the outbox's timing.</summary>
public sealed class NotificationOptions
{
    public const string Section = "AnimeProgress:Notifications";

    public List<ChannelOptions> Channels { get; set; } = [];

    public List<RuleOptions> Rules { get; set; } = [];

    /// <summary>
    /// The name of the studio's Email channel (configured here or added by an Admin on the page) whose SMTP server and
    /// From address people's own "my jobs" e-mail subscriptions use; its To list is not. Unset: personal e-mail is
    /// unavailable (personal webhooks still work).
    /// </summary>
    public string? PersonalEmailChannel { get; set; }

    /// <summary>
    /// Hosts (<c>hooks.internal</c>), addresses or CIDR ranges (<c>10.20.0.0/16</c>) on loopback, link-local or private
    /// networks that channels may reach. Public addresses need no entry; anything else is refused on the address the
    /// name resolves to at send time.
    /// </summary>
    public List<string> AllowedDestinations { get; set; } = [];

    /// <summary>The first wait after a failed try; it doubles each time up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A delivery still failing this long after its event is given up (dead letter).</summary>
    public TimeSpan DeadLetterAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delivered and dead deliveries (and their events) are removed this long after they finished.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Longest wait for a receiver's answer (or an SMTP exchange).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes of a receiver's answer read (kept for the delivery log); the rest is never downloaded.</summary>
    public int MaxAnswerBytes { get; set; } = 4096;

    /// <summary>How often the leader looks for due deliveries when nothing woke it.</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries (or digests) sent at once.</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>How often the leader looks for conditions (stalled, overdue, queue empty, offline, VRAM).</summary>
    public TimeSpan DetectInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A job is overdue once it has run this many times what history expects of it.</summary>
    public double OverdueFactor { get; set; } = 1.5;

    /// <summary>An instance unreachable this long is reported offline (shorter blips are not).</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>VRAM use (0–1) from which an instance is reported nearly full.</summary>
    public double VramNearlyFull { get; set; } = 0.95;

    /// <summary>The address people open the app at, for links to job pages; default the first public origin, else http://localhost:5149.</summary>
    public string? LinkBaseUrl { get; set; }
}
