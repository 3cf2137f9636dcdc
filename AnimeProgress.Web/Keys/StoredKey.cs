namespace AnimeProgress.Web.Keys;

/// <summary>A key's row as checked, with its owner's state: what the cache of <see cref="ApiKeyVerifier"/> holds (no secret, only the hash).</summary>
internal sealed record StoredKey(
    long Id,
    string Prefix,
    string Name,
    byte[] Hash,
    ApiScope Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string OwnerId,
    string OwnerName,
    DateTimeOffset? OwnerLockedUntil,
    IReadOnlyList<string> Roles);
