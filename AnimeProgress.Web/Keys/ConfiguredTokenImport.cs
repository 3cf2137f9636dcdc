using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Keys;
using AnimeProgress.Web.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// At start, turns each configured API token into a key of the service account <see cref="ConfiguredTokens.AccountName"/>
/// (made when needed), stored as its SHA-256 like any key, and says so in the log: scripts keep sending the same
/// token, and the configuration entry can then be removed. A token already imported is left as it is, revoked or
/// not, so revoking it on the keys page holds across restarts. Runs after the store has prepared the schema.
/// </summary>
internal sealed partial class ConfiguredTokenImport(
    IOptions<ApiOptions> api, IServiceScopeFactory scopes, TimeProvider time, ILogger<ConfiguredTokenImport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (api.Value.Tokens.Count == 0)
        {
            return;
        }

        try
        {
            await ImportAsync(cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // The tokens still work from the configuration; the import runs at the next start.
            LogImportFailed(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ImportAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnimeProgressDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var tokens = api.Value.Tokens;
        var hashes = tokens.Select(ApiKeyText.Hash).ToList();
        var missing = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            // One query per token (a handful): found by the unique hash index, as a check finds them.
            var hash = hashes[i];
            var key = await db.ApiKeys.Where(k => k.SecretHash == hash).Select(k => new { k.Id, k.Prefix }).FirstOrDefaultAsync(cancellationToken);
            if (key is null)
            {
                // The same token listed twice is one key.
                if (!missing.Any(m => hashes[m].AsSpan().SequenceEqual(hash)))
                {
                    missing.Add(i);
                }
            }
            else
            {
                var setting = ConfiguredTokens.KeyName(i);
                LogAlreadyImported(setting, key.Id, key.Prefix, ConfiguredTokens.AccountName);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var owner = await users.FindByNameAsync(ConfiguredTokens.AccountName);
        if (owner is null)
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            var created = await ServiceAccounts.CreateAsync(users, roles, ConfiguredTokens.AccountName, ConfiguredTokens.Role);
            if (!created.Succeeded)
            {
                LogAccountRefused(ConfiguredTokens.AccountName, string.Join(" ", created.Errors.Select(e => e.Description)));
                return;
            }

            owner = await users.FindByNameAsync(ConfiguredTokens.AccountName) ?? throw new InvalidOperationException("The service account just made is gone.");
        }

        var rows = missing.Select(i => (Index: i, Row: new ApiKeyRow
        {
            OwnerId = owner.Id,
            Name = ConfiguredTokens.KeyName(i),
            Scopes = ApiScopes.Format(ConfiguredTokens.Scopes),
            Prefix = ApiKeyText.NewImportedPrefix(),
            SecretHash = hashes[i],
            CreatedAt = time.GetUtcNow(),
            CreatedBy = "configuration",
        })).ToList();
        db.ApiKeys.AddRange(rows.Select(r => r.Row));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var scopeText = ApiScopes.Format(ConfiguredTokens.Scopes);
        foreach (var (index, row) in rows)
        {
            var setting = ConfiguredTokens.KeyName(index);
            LogImported(setting, row.Id, row.Prefix, ConfiguredTokens.AccountName, scopeText);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "The configured API token {Setting} is now API key {KeyId} ({KeyPrefix}) of the service account {Account} (scopes {Scopes}); "
        + "scripts keep using it unchanged. The configuration entry can be removed: the key lives in the database now "
        + "(revoke it with 'keys revoke {KeyId}' once scripts use keys of their own).")]
    private partial void LogImported(string setting, long keyId, string keyPrefix, string account, string scopes);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "The configured API token {Setting} is API key {KeyId} ({KeyPrefix}) of the service account {Account}; the configuration entry can be removed")]
    private partial void LogAlreadyImported(string setting, long keyId, string keyPrefix, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make the service account {Account} for the configured API tokens: {Reason}")]
    private partial void LogAccountRefused(string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not turn the configured API tokens into keys now (they keep working from the configuration); trying again at the next start")]
    private partial void LogImportFailed(Exception ex);
}
