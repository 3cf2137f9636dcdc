namespace AnimeProgress.Web.Api;

/// <summary>Bound from <c>AnimeProgress:Api</c>: the /ws WebSocket API and the /api REST API.</summary>
public sealed class ApiOptions
{
    public const string Section = "AnimeProgress:Api";

    /// <summary>
    /// Access tokens. Empty: the API is open (bind to loopback or put it behind a proxy). Otherwise
    /// every /ws and /api request needs one, as <c>Authorization: Bearer …</c> (on /ws also <c>?access_token=…</c>).
    /// </summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// Browser origins allowed to open /ws besides the app's own (e.g. <c>https://studio.example</c>;
    /// <c>*</c> allows any). Requests without an Origin header (programs, not browsers) are always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Largest client message; a bigger one closes the connection with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Sustained client messages per second; above it (after the burst) the connection is closed with 1008.</summary>
    public double MaxMessagesPerSecond { get; set; } = 10;

    public int MessageBurst { get; set; } = 30;

    /// <summary>How often the server pings an idle connection (WebSocket ping frames).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection that answers no ping for this long is dropped.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Least time between two batches of updates to one client. Zero sends each change as soon as the
    /// client can take it; a slow client still gets only the newest state per job, never a backlog.
    /// </summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.Zero;

    /// <summary>A client that takes no data for this long while the server has some to send is dropped.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Replies (pong, errors) waiting for a client; a client that floods without reading waits here.</summary>
    public int MaxQueuedFrames { get; set; } = 64;

    public int MaxConnections { get; set; } = 10_000;

    public int MaxSubscriptionsPerClient { get; set; } = 1000;

    /// <summary>Finished jobs sent in initial_jobs besides the active ones (the most recent first).</summary>
    public int InitialRecentFinished { get; set; } = 50;

    /// <summary>permessage-deflate when the client offers it (browsers do): repeated JSON keys shrink several-fold on the wire.</summary>
    public bool Compression { get; set; } = true;

    /// <summary>The server's deflate window (9–15 bits): smaller costs less memory per client and compresses a little less.</summary>
    public int CompressionWindowBits { get; set; } = 15;

    public int DefaultPageSize { get; set; } = 50;

    public int MaxPageSize { get; set; } = 500;
}
