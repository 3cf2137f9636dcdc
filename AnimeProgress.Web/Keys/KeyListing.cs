namespace AnimeProgress.Web.Keys;

/// <summary>A key as lists show it: never its secret or hash.</summary>
public sealed record KeyListing(
    long Id,
    string Prefix,
    string Name,
    ApiScope Scopes,
    string OwnerId,
    string OwnerName,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset AsOf)
{
    public string State => RevokedAt is not null ? "revoked" : ExpiresAt is { } expires && expires <= AsOf ? "expired" : "active";

    public bool IsActive => State == "active";
}
