using AnimeProgress.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// What <c>users add</c> and <c>users add --service</c> share: the name rule, refusing a name already taken, and one
/// transaction around the creation, committed only when it succeeded, so no account is ever left without its role.
/// </summary>
internal static class NewAccount
{
    /// <summary>The trimmed name, or a usage error.</summary>
    public static string CheckedName(string name)
    {
        return Accounts.Administration.AccountNames.Problem(name) is { } problem ? throw new JobsUsageException(problem) : name.Trim();
    }

    /// <param name="create">
    /// Creates the account inside the transaction; returns what to print once it is committed, or null when it printed
    /// why it refused (nothing is committed then).
    /// </param>
    public static Task<int> CreateAsync(
        IReadOnlyList<string> configuration,
        string name,
        TextWriter output,
        TextWriter error,
        Func<IServiceProvider, UserManager<IdentityUser>, AnimeProgressDbContext, string, Task<string?>> create,
        CancellationToken cancellationToken) =>
        UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByNameAsync(name) is not null)
            {
                await error.WriteLineAsync($"users add: {description} already has an account named '{name}'; nothing was changed.");
                return 1;
            }

            var db = services.GetRequiredService<AnimeProgressDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await create(services, users, db, description) is not { } done)
            {
                return 1;
            }

            await transaction.CommitAsync(cancellationToken);
            await output.WriteLineAsync(done);
            return 0;
        }, cancellationToken);
}
