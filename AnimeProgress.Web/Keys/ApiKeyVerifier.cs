using System.Collections.Concurrent;
using System.Security.Cryptography;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Api.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// Checks a presented key: finds its row by prefix (a configured token's by its hash), compares the SHA-256 in constant
/// time, then refuses a revoked or expired key and a key whose owner is locked out. A checked row is remembered for
/// <see cref="ApiKeyOptions.CacheDuration"/> (at most 30 s, by the injected clock) so a busy script costs one query per
/// key per that time; a revocation on this node is forgotten at once (<see cref="Forget"/>). Unknown keys are never
/// remembered, so made-up keys cannot fill the memory.
/// </summary>
public sealed partial class ApiKeyVerifier(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    TimeProvider time,
    IOptions<ApiKeyOptions> options,
    AccessTokens configuredTokens,
    ApiKeyUsage usage,
    ILogger<ApiKeyVerifier> logger)
{
    /// <summary>Enough for every key a studio has; past it the cache starts over rather than grow.</summary>
    private const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, (StoredKey Key, long LoadedAt)> _cache = new(StringComparer.Ordinal);
    private readonly long _cacheTicks = (long)(options.Value.CacheDuration.TotalSeconds * time.TimestampFrequency);

    /// <returns>The key's identity, or null with the reason in the log (the caller says only that the key was refused).</returns>
    public async ValueTask<ApiKeyIdentity?> VerifyAsync(string presented, string? from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Length is 0 or > 512)
        {
            LogRefused("-", "not a key", from);
            return null;
        }

        var prefix = ApiKeyText.PrefixOf(presented);
        var hash = ApiKeyText.Hash(presented);
        var cacheKey = prefix ?? "#" + Convert.ToHexStringLower(hash);
        var key = await FindAsync(cacheKey, prefix, hash, cancellationToken);
        if (key is null)
        {
            if (prefix is null && configuredTokens.Matches(presented))
            {
                // A configured token whose import has not run (the database was away at start): configuration says it is valid.
                return ConfiguredTokens.Identity;
            }

            LogRefused(prefix ?? "-", "no such key", from);
            return null;
        }

        // Constant time: how long the comparison takes does not tell how much of a guessed secret was right.
        if (!CryptographicOperations.FixedTimeEquals(hash, key.Hash))
        {
            LogRefused(key.Prefix, "wrong secret for the prefix", from);
            return null;
        }

        var now = time.GetUtcNow();
        var refusal = key switch
        {
            { RevokedAt: not null } => "revoked",
            { ExpiresAt: { } expires } when expires <= now => "expired",
            { OwnerLockedUntil: { } locked } when locked > now => $"its account {key.OwnerName} is locked or disabled",
            _ => null,
        };
        if (refusal is not null)
        {
            LogRefused(key.Prefix, refusal, from);
            return null;
        }

        usage.Record(key.Id, now);
        return new ApiKeyIdentity(key.Id, key.Prefix, key.Name, key.OwnerId, key.OwnerName, key.Roles, key.Scopes);
    }

    /// <summary>Drops what is remembered of a key, after it was revoked or changed on this node.</summary>
    public void Forget(string prefix, byte[] hash)
    {
        _cache.TryRemove(prefix, out _);
        _cache.TryRemove("#" + Convert.ToHexStringLower(hash), out _);
    }

    private async ValueTask<StoredKey?> FindAsync(string cacheKey, string? prefix, byte[] hash, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(cacheKey, out var cached) && now - cached.LoadedAt < _cacheTicks)
        {
            return cached.Key;
        }

        var key = await LoadAsync(prefix, hash, cancellationToken);
        if (key is null)
        {
            _cache.TryRemove(cacheKey, out _);
            return null;
        }

        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[cacheKey] = (key, now);
        return key;
    }

    private async Task<StoredKey?> LoadAsync(string? prefix, byte[] hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = prefix is not null ? db.ApiKeys.Where(k => k.Prefix == prefix) : db.ApiKeys.Where(k => k.SecretHash == hash);
        var row = await keys.AsNoTracking()
            .Join(db.Users, k => k.OwnerId, u => u.Id, (k, u) => new
            {
                k.Id,
                k.Prefix,
                k.Name,
                k.SecretHash,
                k.Scopes,
                k.ExpiresAt,
                k.RevokedAt,
                k.OwnerId,
                u.UserName,
                u.LockoutEnd,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new StoredKey(
                row.Id,
                row.Prefix,
                row.Name,
                row.SecretHash,
                ApiScopes.Parse(row.Scopes) ?? ApiScope.None,
                row.ExpiresAt,
                row.RevokedAt,
                row.OwnerId,
                row.UserName ?? "",
                row.LockoutEnd,
                [.. row.Roles.OfType<string>()]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key {KeyPrefix} refused from {RemoteAddress}: {Reason}")]
    private partial void LogRefused(string keyPrefix, string reason, string? remoteAddress);
}
