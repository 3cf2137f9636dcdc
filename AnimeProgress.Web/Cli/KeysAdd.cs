using System.Globalization;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Cli;

/// <summary><c>keys add USER --scope SCOPES [--expires AGE] [--name NAME]</c>: prints the new key once; only its hash is stored.</summary>
internal static class KeysAdd
{
    public static Task<int> RunAsync(string userName, JobsArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var scopes = args.Text("scope") is { } given
            ? ApiScopes.Parse(given) ?? throw new JobsUsageException($"--scope takes read, submit and control, comma-separated (got '{given}')")
            : throw new JobsUsageException("add needs --scope, e.g. --scope read or --scope read,submit");
        var age = args.Text("expires") is { } expires ? KeyAge.Parse(expires) : (TimeSpan?)null;
        var name = args.Text("name") ?? "";
        return UsersDatabase.UseAsync(args.Configuration, async (services, description) =>
        {
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByNameAsync(userName.Trim()) is not { } owner)
            {
                await error.WriteLineAsync($"keys add: {description} has no account named '{userName}' (make one with users add, e.g. users add NAME --service --role Viewer); nothing was changed.");
                return 1;
            }

            var time = services.GetRequiredService<TimeProvider>();
            var expiresAt = age is { } a ? time.GetUtcNow() + a : (DateTimeOffset?)null;
            var (key, text) = await Store(services).CreateAsync(owner.Id, name, scopes, expiresAt, "keys add (command line)", cancellationToken);
            await CliAudit.WriteAsync(services, AuditActions.KeyCreate, KeyManagement.KeyTarget(key), $"scopes {ApiScopes.Format(scopes)}", cancellationToken);
            var until = key.ExpiresAt is { } end ? "until " + end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "without expiry";
            await output.WriteLineAsync($"Added API key {key.Id} ({key.Prefix}, '{key.Name}') for {key.OwnerName} with scopes {ApiScopes.Format(scopes)}, {until}, to {description}.");
            await output.WriteLineAsync("The key is shown this once (only its hash is stored): keep it in a secret store. Send it as 'Authorization: Bearer <key>'.");
            await output.WriteLineAsync(text);
            return 0;
        }, cancellationToken);
    }

    public static ApiKeyStore Store(IServiceProvider services) =>
        new(services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>(), services.GetRequiredService<TimeProvider>());
}
