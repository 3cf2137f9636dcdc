using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>users add NAME --role Admin|Operator|Viewer</c>, <c>users email NAME ADDRESS</c> and <c>users list</c>: the app's accounts in the configured
/// database, headless (the first Admin of a fresh install is made here). Same arguments and exit codes as <c>jobs</c>.
/// </summary>
public static class UsersCommand
{
    public const string Name = "users";

    private static readonly string[] NoFlags = [];
    private static readonly string[] NoOptions = [];
    private static readonly string[] AddFlags = ["service"];
    private static readonly string[] AddOptions = ["role"];
    private static readonly string[] EmailFlags = ["clear"];

    public static readonly string UsageText = $$"""
        Usage: AnimeProgress.Web users <command> [options] [--Key=value ...]

        Commands:
          add NAME --role ROLE   create an account; ROLE is one of {{string.Join(", ", AppRoles.All)}}
                                 (Viewer sees; Operator also controls jobs and queues; Admin also users and settings).
                                 The password is asked for twice without echo, or read as the first line of standard
                                 input when it is redirected, e.g.  printf '%s\n' "$PASSWORD" | ... users add mika --role Admin
          add NAME --service [--role ROLE]
                                 create a service account for a program (a pipeline, a relay client, Prometheus): it
                                 owns API keys (keys add NAME ...) and cannot sign in; no password. ROLE: Viewer if omitted.
          email NAME ADDRESS     set the account's e-mail address, where its "my jobs" e-mail subscriptions go
                                 (people cannot set it themselves; single sign-on sets it from the provider)
          email NAME --clear     remove it
          list                   list the accounts, their roles and any lockout

        The database is the dashboard's: appsettings.json, environment variables and --Key=value arguments, e.g.
          --AnimeProgress:Database:Provider=Postgres --ConnectionStrings:AnimeProduction="Host=...;Database=..."
        Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted.
        """;

    public static async Task<int> RunAsync(string[] args, PasswordPrompt passwords, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(passwords);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["help" or "--help" or "-h", ..])
        {
            await output.WriteLineAsync(UsageText);
            return 0;
        }

        var command = args.Length > 0 ? args[0] : "";
        return await AccountCommandErrors.RunAsync("users", command, UsageText, error, async () =>
            args switch
            {
                ["add", var name, .. var rest] when !name.StartsWith("--", StringComparison.Ordinal) =>
                    await AddAsync(name, JobsArguments.Parse(rest, AddFlags, AddOptions), passwords, output, error, cancellationToken),
                ["add", ..] => throw new JobsUsageException("add needs the account's name: users add NAME --role ROLE"),
                ["email", var name, var address, .. var rest] when !name.StartsWith("--", StringComparison.Ordinal) && !address.StartsWith("--", StringComparison.Ordinal) =>
                    await UsersEmail.RunAsync(name, address, JobsArguments.Parse(rest, NoFlags, NoOptions).Configuration, output, error, cancellationToken),
                ["email", var name, .. var rest] when !name.StartsWith("--", StringComparison.Ordinal) && JobsArguments.Parse(rest, EmailFlags, NoOptions) is { } parsed && parsed.Has("clear") =>
                    await UsersEmail.RunAsync(name, null, parsed.Configuration, output, error, cancellationToken),
                ["email", ..] => throw new JobsUsageException("email needs the account's name and an address: users email NAME ADDRESS (or --clear)"),
                ["list", .. var rest] => await UsersList.RunAsync(JobsArguments.Parse(rest, NoFlags, NoOptions).Configuration, output, cancellationToken),
                [] => throw new JobsUsageException("a command is needed"),
                [var other, ..] => throw new JobsUsageException($"unknown command '{other}'"),
            },
            cancellationToken);
    }

    private static Task<int> AddAsync(string name, JobsArguments args, PasswordPrompt passwords, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        args.Has("service")
            ? UsersAddService.RunAsync(name, args.Text("role") is null ? AppRoles.Viewer : Role(args), args.Configuration, output, error, cancellationToken)
            : UsersAdd.RunAsync(name, Role(args), args.Configuration, passwords, output, error, cancellationToken);

    private static string Role(JobsArguments args) =>
        args.Text("role") is not { } given
            ? throw new JobsUsageException($"add needs --role, one of {string.Join(", ", AppRoles.All)}")
            : AppRoles.Parse(given) ?? throw new JobsUsageException($"--role must be one of {string.Join(", ", AppRoles.All)} (got '{given}')");
}
