namespace AnimeProgress.Core.Persistence.Keys;

/// <summary>
/// One API key of one account (issue 14): what it may do (<see cref="Scopes"/>), until when, and how to recognise it.
/// The secret itself is never stored: only <see cref="SecretHash"/>, and a short public <see cref="Prefix"/> that names
/// the key in lists and logs and finds its row without comparing secrets in SQL.
/// </summary>
public sealed class ApiKeyRow
{
    public const string Table = "api_keys";

    public const int NameMaxLength = 100;

    public const int PrefixMaxLength = 32;

    public long Id { get; set; }

    /// <summary>The account (a person or a service account) the key acts as: its role applies, limited by the scopes.</summary>
    public string OwnerId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Comma-separated scopes: <c>read</c>, <c>submit</c>, <c>control</c>.</summary>
    public string Scopes { get; set; } = "";

    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole key as presented.</summary>
    public byte[] SecretHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who made the key (an account's name, the CLI, or the configured-token import), for the lists.</summary>
    public string? CreatedBy { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the key was last accepted, to the minute (written in the background, never by the request).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
