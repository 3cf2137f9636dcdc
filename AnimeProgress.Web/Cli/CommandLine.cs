namespace AnimeProgress.Web.Cli;

/// <summary>
/// Operator commands run by the same program as the dashboard
/// (<c>dotnet run --project AnimeProgress.Web -- migrate</c>, <c>-- jobs check</c>, <c>-- users add</c>), against whichever
/// database the usual configuration names.
/// </summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args is [MigrateCommand.Name, ..] or [JobsCommand.Name, ..] or [UsersCommand.Name, ..];

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) => args[0] switch
    {
        MigrateCommand.Name => MigrateCommand.RunAsync(args[1..], output, error, cancellationToken),
        JobsCommand.Name => JobsCommand.RunAsync(args[1..], output, error, cancellationToken),
        UsersCommand.Name => UsersCommand.RunAsync(args[1..], PasswordPrompt.FromConsole(), output, error, cancellationToken),
        _ => throw new ArgumentException($"Unknown command '{args[0]}'.", nameof(args)),
    };
}
