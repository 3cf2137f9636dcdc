using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>keys add USER --scope read,submit [--expires 30d] [--name NAME]</c>, <c>keys list [USER]</c> and
/// <c>keys revoke ID</c>: API keys in the configured database, headless. A new key is printed once and never stored;
/// lists never show a secret. Same arguments and exit codes as <c>users</c>.
/// </summary>
public static class KeysCommand
{
    public const string Name = "keys";

    private static readonly string[] NoFlags = [];
    private static readonly string[] NoOptions = [];
    private static readonly string[] AddOptions = ["scope", "expires", "name"];

    public static readonly string UsageText = """
        Usage: AnimeProgress.Web keys <command> [options] [--Key=value ...]

        Commands:
          add USER --scope SCOPES [--expires AGE] [--name NAME]
                          make an API key for the account or service account USER and print it (this once only).
                          SCOPES: read (see jobs: REST reads and /ws), submit (POST /api/jobs), control (Operator
                          actions), comma-separated, e.g. read,submit. The key never does more than USER's role allows.
                          AGE: e.g. 30d, 12h, 90m (none: the key does not expire).
          list [USER]     list keys (all, or USER's): id, prefix, owner, scopes, state, dates; never a secret
          revoke ID       revoke a key: refused at once by this command's database, by running dashboards within 30 s

        Service accounts own keys for programs:  users add NAME --service --role Viewer
        The database is the dashboard's: appsettings.json, environment variables and --Key=value arguments.
        Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["help" or "--help" or "-h", ..])
        {
            await output.WriteLineAsync(UsageText);
            return 0;
        }

        var command = args.Length > 0 ? args[0] : "";
        return await AccountCommandErrors.RunAsync("keys", command, UsageText, error, async () =>
            args switch
            {
                ["add", var user, .. var rest] when !user.StartsWith("--", StringComparison.Ordinal) =>
                    await KeysAdd.RunAsync(user, JobsArguments.Parse(rest, NoFlags, AddOptions), output, error, cancellationToken),
                ["add", ..] => throw new JobsUsageException("add needs the account's name: keys add USER --scope read"),
                ["list", var user, .. var rest] when !user.StartsWith("--", StringComparison.Ordinal) =>
                    await KeysList.RunAsync(user, JobsArguments.Parse(rest, NoFlags, NoOptions).Configuration, output, error, cancellationToken),
                ["list", .. var rest] => await KeysList.RunAsync(null, JobsArguments.Parse(rest, NoFlags, NoOptions).Configuration, output, error, cancellationToken),
                ["revoke", var id, .. var rest] when long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var keyId) =>
                    await RevokeAsync(keyId, JobsArguments.Parse(rest, NoFlags, NoOptions).Configuration, output, error, cancellationToken),
                ["revoke", ..] => throw new JobsUsageException("revoke needs the key's id (a number, as keys list shows it)"),
                [] => throw new JobsUsageException("a command is needed"),
                [var other, ..] => throw new JobsUsageException($"unknown command '{other}'"),
            },
            cancellationToken);
    }

    private static Task<int> RevokeAsync(long id, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            var store = KeysAdd.Store(services);
            if (await store.FindAsync(id, cancellationToken) is not { } key)
            {
                await error.WriteLineAsync($"keys revoke: {description} has no key {id}; nothing was changed.");
                return 1;
            }

            if (await store.RevokeAsync(id, cancellationToken))
            {
                await CliAudit.WriteAsync(services, Audit.AuditActions.KeyRevoke, KeyManagement.KeyTarget(key), null, cancellationToken);
            }

            await output.WriteLineAsync(key.RevokedAt is null
                ? $"Revoked key {id} ({key.Prefix}, '{key.Name}') of {key.OwnerName}. Running dashboards refuse it within {ApiKeyOptions.MaxCacheDuration.TotalSeconds:0} s."
                : $"Key {id} ({key.Prefix}) of {key.OwnerName} was already revoked; nothing was changed.");
            return 0;
        }, cancellationToken);
}
