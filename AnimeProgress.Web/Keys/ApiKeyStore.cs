using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Keys;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// Creating, listing and revoking keys in the database, for the CLI and the keys page (which checks who may do what
/// first: <see cref="KeyManagement"/>). A new key's text is returned once and never stored. Revoking keeps the row
/// (lists and the audit trail show it) and makes every check refuse it.
/// </summary>
public sealed class ApiKeyStore(IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time, ApiKeyVerifier? verifier = null)
{
    public async Task<(KeyListing Key, string Text)> CreateAsync(
        string ownerId, string name, ApiScope scopes, DateTimeOffset? expiresAt, string? createdBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        if (scopes == ApiScope.None)
        {
            throw new ArgumentException("A key needs at least one scope.", nameof(scopes));
        }

        var (text, prefix) = ApiKeyText.New();
        var row = new ApiKeyRow
        {
            OwnerId = ownerId,
            Name = KeyName(name, prefix),
            Scopes = ApiScopes.Format(scopes),
            Prefix = prefix,
            SecretHash = ApiKeyText.Hash(text),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        var listed = await ListAsync(ownerId, cancellationToken);
        return (listed.Single(k => k.Id == row.Id), text);
    }

    /// <summary>Every key (of one owner when <paramref name="ownerId"/> is given), newest first. Never a secret or a hash.</summary>
    public async Task<IReadOnlyList<KeyListing>> ListAsync(string? ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = ownerId is null ? db.ApiKeys : db.ApiKeys.Where(k => k.OwnerId == ownerId);
        var rows = await keys.AsNoTracking()
            .Join(db.Users, k => k.OwnerId, u => u.Id, (k, u) => new { Key = k, u.UserName })
            .Select(r => new
            {
                r.Key.Id, r.Key.Prefix, r.Key.Name, r.Key.Scopes, r.Key.OwnerId, r.UserName, r.Key.CreatedAt, r.Key.CreatedBy,
                r.Key.ExpiresAt, r.Key.RevokedAt, r.Key.LastUsedAt,
            })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. rows
            .Select(r => new KeyListing(
                r.Id, r.Prefix, r.Name, ApiScopes.Parse(r.Scopes) ?? ApiScope.None, r.OwnerId, r.UserName ?? "", r.CreatedAt, r.CreatedBy,
                r.ExpiresAt, r.RevokedAt, r.LastUsedAt, now))
            .OrderByDescending(k => k.CreatedAt)
            .ThenByDescending(k => k.Id)];
    }

    public async Task<KeyListing?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ownerId = await db.ApiKeys.Where(k => k.Id == id).Select(k => k.OwnerId).FirstOrDefaultAsync(cancellationToken);
        return ownerId is null ? null : (await ListAsync(ownerId, cancellationToken)).FirstOrDefault(k => k.Id == id);
    }

    /// <returns>False when no key has that id; true when it is revoked now or was already.</returns>
    public async Task<bool> RevokeAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }

        if (row.RevokedAt is null)
        {
            row.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        // This node refuses it from the next request; other nodes within the cache time.
        verifier?.Forget(row.Prefix, row.SecretHash);
        return true;
    }

    private static string KeyName(string name, string prefix)
    {
        name = name.Trim();
        return name.Length == 0 ? "key " + prefix : name[..Math.Min(name.Length, ApiKeyRow.NameMaxLength)];
    }
}
