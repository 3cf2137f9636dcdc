using System.Security.Claims;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// What the keys page may do, checked here on the server for the user who asks (never by what the page shows): every
/// account lists, creates and revokes its own keys; an Admin (<see cref="AccessPolicies.Administer"/>) those of every
/// account and service account. A refused call throws <see cref="UnauthorizedAccessException"/> and changes nothing.
/// </summary>
public sealed partial class KeyManagement(
    ApiKeyStore store,
    IAuthorizationService authorization,
    IDbContextFactory<AnimeProgressDbContext> contexts,
    Audit.AuditLog audit,
    ILogger<KeyManagement> logger)
{
    public async Task<bool> IsAdminAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, AccessPolicies.Administer)).Succeeded;

    /// <summary>The asker's own keys; an Admin's view holds every key.</summary>
    public async Task<IReadOnlyList<KeyListing>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await IsAdminAsync(user))
        {
            return await store.ListAsync(null, cancellationToken);
        }

        return AccountId(user) is { } own ? await store.ListAsync(own, cancellationToken) : [];
    }

    /// <summary>The accounts a key can be made for: all of them for an Admin, else the asker's own.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> OwnersAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var admin = await IsAdminAsync(user);
        var own = AccountId(user);
        var accounts = await db.Users.AsNoTracking()
            .Where(u => admin || u.Id == own)
            .OrderBy(u => u.NormalizedUserName)
            .Select(u => new { u.Id, u.UserName })
            .ToListAsync(cancellationToken);
        return [.. accounts.Select(a => (a.Id, a.UserName ?? a.Id))];
    }

    public async Task<(KeyListing Key, string Text)> CreateAsync(
        ClaimsPrincipal user, string ownerId, string name, ApiScope scopes, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await DemandAsync(user, ownerId, "create a key for another account", Audit.AuditActions.KeyCreate);
        var created = await store.CreateAsync(ownerId, name, scopes, expiresAt, user.Identity?.Name, cancellationToken);
        var scopeText = ApiScopes.Format(scopes);
        LogCreated(user.Identity?.Name, created.Key.Id, created.Key.Prefix, created.Key.OwnerName, scopeText);
        await audit.WriteAsync(new Audit.AuditEntry(
            Audit.AuditActor.Of(user), Audit.AuditActions.KeyCreate, Audit.AuditOutcomes.Ok, KeyTarget(created.Key), $"scopes {scopeText}"));
        return created;
    }

    public async Task RevokeAsync(ClaimsPrincipal user, long keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // An unknown id is refused like another's key: the answer does not tell which ids exist.
        var key = await store.FindAsync(keyId, cancellationToken);
        await DemandAsync(user, key?.OwnerId, "revoke another account's key", Audit.AuditActions.KeyRevoke);
        if (key is not null && await store.RevokeAsync(keyId, cancellationToken))
        {
            LogRevoked(user.Identity?.Name, key.Id, key.Prefix, key.OwnerName);
            await audit.WriteAsync(new Audit.AuditEntry(Audit.AuditActor.Of(user), Audit.AuditActions.KeyRevoke, Audit.AuditOutcomes.Ok, KeyTarget(key)));
        }
    }

    /// <summary>How the audit log names a key: its id, prefix and owner (never any part of its secret).</summary>
    internal static string KeyTarget(KeyListing key) => $"key {key.Id} ({key.Prefix}) of {key.OwnerName}";

    private async Task DemandAsync(ClaimsPrincipal user, string? ownerId, string what, string action)
    {
        var own = AccountId(user);
        if (ownerId is not null && own is not null && string.Equals(ownerId, own, StringComparison.Ordinal))
        {
            return;
        }

        if (ownerId is not null && await IsAdminAsync(user))
        {
            return;
        }

        LogRefused(user.Identity?.Name, what);
        await audit.WriteAsync(new Audit.AuditEntry(Audit.AuditActor.Of(user), action, Audit.AuditOutcomes.Refused, Detail: "only an Admin may " + what));
        throw new UnauthorizedAccessException("Only an Admin may " + what + ".");
    }

    /// <summary>The asker's account id: only a signed-in account has one (not the first start's local Admin, not a key).</summary>
    private static string? AccountId(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
            ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} created API key {KeyId} ({KeyPrefix}) for {Owner} with scopes {Scopes}")]
    private partial void LogCreated(string? actor, long keyId, string keyPrefix, string owner, string scopes);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} revoked API key {KeyId} ({KeyPrefix}) of {Owner}")]
    private partial void LogRevoked(string? actor, long keyId, string keyPrefix, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Actor} was refused: only an Admin may {What}")]
    private partial void LogRefused(string? actor, string what);
}
