using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>users add NAME --service [--role ROLE]</c>: an account for a program, with its role and no password, marked as a
/// service account (<see cref="ServiceAccounts"/>), in one transaction. It owns keys and cannot sign in.
/// </summary>
internal static class UsersAddService
{
    public static Task<int> RunAsync(string name, string role, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 64)
        {
            throw new JobsUsageException($"the account's name must be 1 to 64 characters (got {name.Length})");
        }

        return UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByNameAsync(name) is not null)
            {
                await error.WriteLineAsync($"users add: {description} already has an account named '{name}'; nothing was changed.");
                return 1;
            }

            var db = services.GetRequiredService<AnimeProgressDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await ServiceAccounts.CreateAsync(users, services.GetRequiredService<RoleManager<IdentityRole>>(), name, role);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"users add: cannot create the service account '{name}'; nothing was changed:");
                foreach (var problem in result.Errors)
                {
                    await error.WriteLineAsync("  " + problem.Description);
                }

                return 1;
            }

            await CliAudit.AddAsync(db, services.GetRequiredService<TimeProvider>(), Audit.AuditActions.UserCreate, name, "service account, role " + role, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await output.WriteLineAsync($"Added the service account '{name}' ({role}) to {description}: it cannot sign in; give it keys with  keys add {name} --scope read");
            return 0;
        }, cancellationToken);
    }
}
